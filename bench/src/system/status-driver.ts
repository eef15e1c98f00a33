import type { OrderStatus } from '@orderpulse/contracts';
import { nowMs, openLoop } from '../lib/index.js';
import type { HttpJsonClient } from './http-client.js';

/** The valid path an order walks from `pending`: five status changes per order. */
export const STATUS_PATH: readonly OrderStatus[] = ['confirmed', 'processing', 'shipped', 'out_for_delivery', 'delivered'];

export interface PatchRecord {
  orderId: string;
  status: OrderStatus;
  /** When the open-loop schedule said this PATCH should go (nowMs). */
  scheduledAt: number;
  /** When it was handed to the HTTP client (later than scheduled if the loop lagged or the order's previous PATCH was still running). */
  issuedAt: number;
  respondedAt: number;
  code: number;
  /** The order's version after the change (200 only). */
  version?: number;
  /** The order's `updatedAt` as orders-service wrote it (ms since epoch; 200 only). */
  updatedAt?: number;
  error?: string;
}

/** How many orders an open-loop run needs so that no order runs out of valid changes. */
export function ordersNeeded(ratePerSecond: number, durationMs: number): number {
  return Math.ceil((ratePerSecond * durationMs) / 1000 / STATUS_PATH.length);
}

/** What a run sent, plus the scheduled changes it did not send. */
export type PatchRun = PatchRecord[] & {
  /** Not sent because the oldest unanswered PATCH was older than the backlog limit (overload guard). */
  skipped: number;
  /** Not sent because the order it fell to had already walked the whole path (too few orders for the rate). */
  exhausted: number;
};

/**
 * Drives `PATCH /orders/:id/status` open-loop: change number `seq` is due at start + seq/rate and
 * goes to order `seq % orders.length`, which takes the next status on STATUS_PATH. Changes of one
 * order never overlap (a change waits for the previous change of its order, which only happens
 * when the server is far behind); latency is always counted from the scheduled time.
 *
 * Overload guard: while the oldest unanswered PATCH was scheduled more than `maxBacklogMs` ago,
 * scheduled changes are not sent (counted in `skipped`). Without it an overloaded system is
 * buried under a backlog that takes minutes to answer and says nothing more than "over capacity".
 */
export async function driveStatusChanges(options: {
  client: HttpJsonClient;
  orderIds: readonly string[];
  ratePerSecond: number;
  durationMs: number;
  /** Default 2,000 ms. */
  maxBacklogMs?: number;
}): Promise<PatchRun> {
  const { client, orderIds, ratePerSecond, durationMs } = options;
  const maxBacklogMs = options.maxBacklogMs ?? 2_000;
  const state = orderIds.map(() => ({ next: 0, chain: Promise.resolve() }));
  const records = Object.assign([] as PatchRecord[], { skipped: 0, exhausted: 0 });
  const inFlight: Array<Promise<void>> = [];
  /** seq → scheduled time of every unanswered PATCH; a Map iterates oldest first. */
  const unanswered = new Map<number, number>();
  await openLoop({
    ratePerSecond,
    durationMs,
    send(scheduledAt, seq) {
      const oldest = unanswered.values().next();
      if (!oldest.done && nowMs() - oldest.value > maxBacklogMs) {
        records.skipped += 1;
        return;
      }
      const index = seq % orderIds.length;
      const order = state[index]!;
      const orderId = orderIds[index]!;
      const status = STATUS_PATH[order.next];
      if (!status) {
        records.exhausted += 1;
        return;
      }
      order.next += 1;
      unanswered.set(seq, scheduledAt);
      const body = status === 'shipped' ? { status, trackingNumber: `TRK-${seq}` } : { status };
      order.chain = order.chain.then(async () => {
        const issuedAt = nowMs();
        try {
          const res = await client.request<{ version?: number; updatedAt?: string }>('PATCH', `/orders/${orderId}/status`, body);
          const record: PatchRecord = { orderId, status, scheduledAt, issuedAt, respondedAt: nowMs(), code: res.status };
          if (res.status === 200 && res.body) {
            record.version = res.body.version;
            if (res.body.updatedAt) record.updatedAt = Date.parse(res.body.updatedAt);
          }
          records.push(record);
        } catch (err) {
          records.push({ orderId, status, scheduledAt, issuedAt, respondedAt: nowMs(), code: 0, error: (err as Error).message });
        } finally {
          unanswered.delete(seq);
        }
      });
      inFlight.push(order.chain);
    },
  });
  await Promise.all(inFlight);
  return records;
}
