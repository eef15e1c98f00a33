/**
 * Paces one subject's publishes (a customer or rider token, all its connections together) to
 * `perSecond` on average, letting up to `perSecond` through at once after a quiet second
 * (a generic cell rate algorithm: one timestamp per subject). It refuses nothing: it says how long
 * to hold a PUBLISH before handling it, and while aedes waits for a packet it reads nothing more
 * from that connection, so a faster client is slowed down by TCP (or WebSocket) backpressure.
 */
export interface PublishPacer {
  /** Milliseconds to hold this publish of `subject` (0: handle it now); counts it. */
  delayMs(subject: string): number;
  /** Subjects with publishes still counted against the current second (for tests). */
  size(): number;
}

export function createPublishPacer(perSecond: number, now: () => number = Date.now): PublishPacer {
  const intervalMs = 1_000 / perSecond;
  // A subject whose theoretical arrival time has passed is as good as absent.
  const theoretical = new Map<string, number>();
  let sweepAbove = 1_024;
  const sweep = (t: number) => {
    for (const [subject, at] of theoretical) if (at <= t) theoretical.delete(subject);
    sweepAbove = Math.max(1_024, 2 * theoretical.size);
  };
  return {
    delayMs(subject) {
      const t = now();
      const next = Math.max(theoretical.get(subject) ?? t, t) + intervalMs;
      theoretical.set(subject, next);
      if (theoretical.size > sweepAbove) sweep(t);
      // The burst: up to one second's worth ahead of now goes through at once.
      return Math.max(0, next - t - 1_000);
    },
    size() {
      sweep(now());
      return theoretical.size;
    },
  };
}
