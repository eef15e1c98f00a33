import { createServer } from 'node:net';
import { describe, it, expect } from '@jest/globals';
import { ConfigError, describeStartupError } from '../src/index.js';

describe('describeStartupError', () => {
  it('when a port is taken, then the line names the setting that chose it', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    const second = createServer();
    const err = await new Promise<unknown>((resolve) => {
      second.once('error', resolve);
      second.listen(port, '127.0.0.1');
    });
    holder.close();
    expect(describeStartupError(err, { OTHER_PORT: 1, MQTT_PORT: port })).toBe(
      `127.0.0.1:${port} is already in use: stop whatever holds it or set MQTT_PORT to another port`,
    );
  });

  it('when the error is a config error, then its own message is the line', () => {
    expect(describeStartupError(new ConfigError(['MQTT_PORT: too big']))).toBe('invalid configuration: MQTT_PORT: too big');
  });
});
