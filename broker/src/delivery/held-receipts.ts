import type { Writable } from 'node:stream';
import { writeEncoded } from '../transports/fast-publish.js';

/** How long a receipt may wait for others to the same client. */
export const RECEIPT_HOLD_MS = 50;
/** A client's waiting receipts are written at once past this many bytes (~250 receipts). */
const MAX_HELD_BYTES = 64 * 1024;

interface Held {
  chunks: Buffer[];
  bytes: number;
}

const held = new Map<Writable, Held>();
/** Connections whose last flush found their buffer full: no receipt is held for them until 'drain'. */
const backedUp = new WeakSet<Writable>();
let timer: NodeJS.Timeout | undefined;

/**
 * The hop receipts on `admin/receipts/<orderId>` (QoS 0, one or two per change) went to
 * delivery-service and the admin consoles one write each, and each woke the process that reads
 * them: at 100 updates/s, 200 wake-ups a second in delivery-service for bookkeeping that is
 * gathered for 250 ms anyway. A receipt carries its own times, so it can wait: those to one
 * client leave together, within RECEIPT_HOLD_MS, in one write. Any other delivery to that client
 * writes them first, so its messages keep their order. Held receipts are written without waiting
 * for 'drain'; so that a reader that stops reading is not sent them without end, a flush that
 * finds its socket's buffer full stops the holding for that client until it drains: its receipts
 * then take the ordinary path, which waits for 'drain' under aedes' drain timeout and drops it.
 */
export function isHeldReceipt(conn: Writable, topic: string, qos: number): boolean {
  return qos === 0 && topic.startsWith('admin/receipts/') && !backedUp.has(conn);
}

export function holdReceipt(conn: Writable, bytes: Buffer): void {
  let waiting = held.get(conn);
  if (waiting === undefined) {
    waiting = { chunks: [], bytes: 0 };
    held.set(conn, waiting);
  }
  waiting.chunks.push(bytes);
  waiting.bytes += bytes.length;
  if (waiting.bytes >= MAX_HELD_BYTES) writeHeld(conn);
  else timer ??= setTimeout(writeAllHeld, RECEIPT_HOLD_MS).unref();
}

/** Writes the receipts waiting for `conn`, if any; call before any other delivery to it. */
export function writeHeld(conn: Writable): void {
  if (held.size === 0) return;
  const waiting = held.get(conn);
  if (waiting === undefined) return;
  held.delete(conn);
  // QoS 0, as the receipts are sent: a closed connection loses them, as it would have.
  if (conn.destroyed || !conn.writable) return;
  const ok = writeEncoded(conn, waiting.chunks.length === 1 ? waiting.chunks[0]! : Buffer.concat(waiting.chunks, waiting.bytes));
  if (!ok && !backedUp.has(conn)) {
    backedUp.add(conn);
    conn.once('drain', () => backedUp.delete(conn));
  }
}

function writeAllHeld(): void {
  timer = undefined;
  for (const conn of [...held.keys()]) writeHeld(conn);
}

/** Receipts waiting for `conn` (for tests). */
export function heldReceiptsFor(conn: Writable): number {
  return held.get(conn)?.chunks.length ?? 0;
}
