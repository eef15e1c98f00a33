import { createServer } from 'node:net';
import { describe, it, expect } from '@jest/globals';
import { ConfigError, DependencyUnavailableError, describeStartupError, isExplainedStartupError } from '../src/index.js';

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

  it('when a port below 1024 is refused, then the line says to pick one above 1023 with its setting', () => {
    const err = Object.assign(new Error('listen EACCES'), { code: 'EACCES', address: '0.0.0.0', port: 80 });
    expect(describeStartupError(err, { WEB_PORT: 80 })).toBe('0.0.0.0:80 may not be opened by this user: set WEB_PORT to a port above 1023');
  });

  it('when the address to listen on is not one of this machine, then the line points at HOST', () => {
    const err = Object.assign(new Error('listen EADDRNOTAVAIL'), { code: 'EADDRNOTAVAIL', address: '10.9.9.9', port: 3000 });
    expect(describeStartupError(err)).toBe('cannot listen on 10.9.9.9: no such local address; set HOST (or METRICS_HOST) to an address of this machine');
  });

  it('when the error is a config, dependency or system error, then it is explained; anything else is a bug worth its stack', () => {
    expect(isExplainedStartupError(new ConfigError(['X: bad']))).toBe(true);
    expect(isExplainedStartupError(new DependencyUnavailableError('RabbitMQ is not reachable'))).toBe(true);
    expect(isExplainedStartupError(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' }))).toBe(true);
    expect(isExplainedStartupError(new TypeError('x is not a function'))).toBe(false);
  });
});
