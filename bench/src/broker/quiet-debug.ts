/**
 * mqtt-packet (inside mqtt.js here) calls `debug()` 10–20 times per packet; even switched off each
 * call allocates. Generators import this first so that, with DEBUG unset, those calls are empty
 * functions, keeping the load generator's own CPU per message down (the same idea as
 * broker/src/quiet-debug.ts for the broker process).
 */
import { createRequire } from 'node:module';

function quietDebug(namespace: string): (...args: unknown[]) => void {
  const fn = Object.assign(
    function debug() {
      // off
    },
    { namespace, enabled: false, useColors: false, color: 0, diff: 0, log: () => undefined, destroy: () => false },
  );
  return Object.assign(fn, { extend: (sub: string, delimiter = ':') => quietDebug(`${namespace}${delimiter}${sub}`) });
}

if (!process.env.DEBUG) {
  try {
    const fromMqttPacket = createRequire(require.resolve('mqtt-packet'));
    const path = fromMqttPacket.resolve('debug');
    const real = fromMqttPacket('debug') as object;
    const cached = require.cache[path];
    if (cached) cached.exports = Object.assign(quietDebug, real, { default: quietDebug, debug: quietDebug, enabled: () => false });
  } catch {
    // leave debug as it is
  }
}
