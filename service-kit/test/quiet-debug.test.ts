import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** What a fresh process that imports the built module first sees of `debug`, as mqtt-packet and mqtt.js load it. */
function debugSeenByMqtt(env: Record<string, string>): { quiet: boolean; enabled: boolean; packetsWork: boolean } {
  const script = `
    require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'quiet-debug.js'))});
    const { createRequire } = require('node:module');
    const fromMqttPacket = createRequire(require.resolve('mqtt-packet'));
    const logger = fromMqttPacket('debug')('mqtt-packet:parser');
    const descriptor = Object.getOwnPropertyDescriptor(logger, 'enabled');
    // mqtt.js still encodes and parses with it in place.
    const mqttPacket = fromMqttPacket('mqtt-packet');
    const bytes = mqttPacket.generate({ cmd: 'publish', topic: 'orders/1/status', payload: 'x', qos: 0, retain: false, dup: false });
    const parser = mqttPacket.parser();
    let topic;
    parser.on('packet', (packet) => (topic = packet.topic));
    parser.parse(bytes);
    process.stdout.write(JSON.stringify({ quiet: descriptor !== undefined && 'value' in descriptor, enabled: logger.enabled, packetsWork: topic === 'orders/1/status' }));
  `;
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!env.DEBUG) delete childEnv.DEBUG;
  return JSON.parse(
    execFileSync(process.execPath, ['-e', script], { cwd: __dirname, env: childEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  ) as ReturnType<typeof debugSeenByMqtt>;
}

describe('quiet-debug', () => {
  it("when DEBUG is unset, then mqtt-packet's loggers are empty functions and packets still encode and parse", () => {
    expect(debugSeenByMqtt({})).toEqual({ quiet: true, enabled: false, packetsWork: true });
  });

  it('when DEBUG is set, then the real debug module stays, so its output can be switched on', () => {
    expect(debugSeenByMqtt({ DEBUG: 'mqtt-packet:*' })).toEqual({ quiet: false, enabled: true, packetsWork: true });
  });
});
