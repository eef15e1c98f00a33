/**
 * mqtt-packet calls `debug()` from the `debug` package 10–20 times for every packet it parses or
 * writes, and mqtt.js's client a few more per publish and acknowledgement. Even switched off,
 * each call collects its arguments into an array and reads a getter: a few percent of the
 * broker's CPU per delivery, ~2 % of the notifier's per event. When DEBUG is unset (debug output
 * off, as in production), importing this module replaces the `debug` module in the require cache
 * with one whose loggers are empty functions; with DEBUG set nothing changes.
 *
 * It must load before aedes, mqtt-packet or mqtt: a process's main module imports
 * `@orderpulse/service-kit/quiet-debug` first (this file imports nothing of service-kit's, so
 * that import loads none of them). Code that embeds a service (tests) keeps the real module.
 */
import { createRequire } from 'node:module';

type DebugFn = ((...args: unknown[]) => void) & {
  namespace: string;
  enabled: boolean;
  useColors: boolean;
  color: number;
  diff: number;
  log: (...args: unknown[]) => void;
  extend: (sub: string, delimiter?: string) => DebugFn;
  destroy: () => boolean;
};

function quietDebug(namespace: string): DebugFn {
  const fn = function debug() {
    // off
  } as DebugFn;
  fn.namespace = namespace;
  fn.enabled = false;
  fn.useColors = false;
  fn.color = 0;
  fn.diff = 0;
  fn.log = () => undefined;
  fn.extend = (sub, delimiter = ':') => quietDebug(`${namespace}${delimiter}${sub}`);
  fn.destroy = () => false;
  return fn;
}

/** The `debug` that mqtt-packet loads (found through mqtt when mqtt-packet is not a dependency of the caller). */
function resolveDebugOfMqttPacket(): string {
  let mqttPacket: string;
  try {
    mqttPacket = require.resolve('mqtt-packet');
  } catch {
    mqttPacket = createRequire(require.resolve('mqtt')).resolve('mqtt-packet');
  }
  return createRequire(mqttPacket).resolve('debug');
}

/** Replaces the cached `debug` module; false when DEBUG is set or it cannot be found. */
export function installQuietDebug(env: Record<string, string | undefined> = process.env): boolean {
  if (env.DEBUG) return false;
  let path: string;
  let real: object;
  try {
    path = resolveDebugOfMqttPacket();
    real = createRequire(path)(path) as object;
  } catch {
    return false;
  }
  const cached = require.cache[path];
  if (!cached) return false;
  // Statics (enable, disable, names, formatters …) stay the real module's.
  cached.exports = Object.assign(quietDebug, real, { default: quietDebug, debug: quietDebug, enabled: () => false });
  return true;
}

installQuietDebug();
