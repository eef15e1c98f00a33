import { Duplex, PassThrough } from 'node:stream';

/** Two connected in-memory streams: what one side writes, the other reads. No sockets. */
export function duplexPair(): [Duplex, Duplex] {
  const leftToRight = new PassThrough();
  const rightToLeft = new PassThrough();
  const left = Duplex.from({ readable: rightToLeft, writable: leftToRight });
  const right = Duplex.from({ readable: leftToRight, writable: rightToLeft });
  // Closing either end ends the other, as a dropped socket would.
  right.once('close', () => left.destroy());
  left.once('close', () => right.destroy());
  return [left, right];
}
