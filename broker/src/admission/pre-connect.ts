import type { AedesOptions } from 'aedes';

export type PreConnectHook = NonNullable<AedesOptions['preConnect']>;

/** Runs the hooks in turn; the first error or refusal ends the CONNECT there. */
export function chainPreConnect(...hooks: PreConnectHook[]): PreConnectHook {
  return (client, packet, done) => {
    const next = (i: number) => {
      if (i === hooks.length) return done(null, true);
      hooks[i]!(client, packet, (err, ok) => (err || !ok ? done(err, ok) : next(i + 1)));
    };
    next(0);
  };
}
