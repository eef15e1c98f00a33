/**
 * mqtt-packet calls `debug()` from the `debug` package 10–20 times for every packet it parses or
 * writes. Even switched off, each call collects its arguments into an array and reads a getter:
 * a few percent of the broker's CPU per delivery. When DEBUG is unset (debug output off, as in
 * production), this replaces the `debug` module in the require cache, before aedes and
 * mqtt-packet load, with one whose loggers are empty functions. With DEBUG set nothing changes.
 * Imported first by main.ts (the broker process); createBroker alone (tests, embedding) keeps
 * the real module.
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

export function installQuietDebug(env: Record<string, string | undefined> = process.env): boolean {
  if (env.DEBUG) return false;
  // Resolved from mqtt-packet, the hot caller (one hoisted copy serves everyone in practice).
  let path: string;
  let real: object;
  try {
    const fromMqttPacket = createRequire(require.resolve('mqtt-packet'));
    path = fromMqttPacket.resolve('debug');
    real = fromMqttPacket('debug') as object;
  } catch {
    return false;
  }
  // Statics (enable, disable, names, formatters …) stay the real module's.
  const quiet = Object.assign(quietDebug, real, { default: quietDebug, debug: quietDebug, enabled: () => false });
  const cached = require.cache[path];
  if (!cached) return false;
  cached.exports = quiet;
  return true;
}

installQuietDebug();
