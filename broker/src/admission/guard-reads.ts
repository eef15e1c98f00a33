import type { Readable } from 'node:stream';
import type { GuardVerdict, PacketLengthGuard } from './packet-length-guard.js';

export type RefusedVerdict = Exclude<GuardVerdict, { ok: true }>;

/**
 * Puts `guard` between a connection and aedes. aedes pulls each batch of bytes with
 * `conn.read()` and hands it to mqtt-packet's parser, which appends to its buffer until the
 * packet's announced length has arrived (that is how 16 clients announcing 256 MiB each took
 * the broker to 4 GiB). Here every batch is shown to the guard first; when it refuses, the batch
 * never reaches the parser and the connection is destroyed at once. Nothing is copied or kept,
 * and nothing changes on the write path (deliveries go out exactly as before).
 */
export function guardReads(conn: Readable, guard: PacketLengthGuard, onRefused: (verdict: RefusedVerdict) => void): void {
  const read = conn.read.bind(conn);
  let refused = false;
  conn.read = (size?: number): unknown => {
    if (refused) return null;
    const chunk = read(size) as Buffer | null;
    if (chunk === null) return null;
    const verdict = guard.check(chunk);
    if (verdict.ok) return chunk;
    refused = true;
    onRefused(verdict);
    conn.destroy();
    return null;
  };
}
