import { hopReceiptSchema, hopRowOfEvent, hopRowOfReceipt, type HopHistoryResponse, type HopKind, type HopPatch } from '@orderpulse/contracts';
import type { HopHistory, Logger } from '@orderpulse/service-kit';
import type { OrderDirectory } from '../data-access/delivery-store.js';
import { OrderNotFoundError } from '../domain/delivery-errors.js';

/** The largest receipt taken from `admin/receipts/+` (they are ~250 bytes; the broker writes them). */
export const MAX_HOP_RECEIPT_BYTES = 1024;

export interface HopDeps {
  hops?: HopHistory | undefined;
  logger: Logger;
  clock: () => Date;
}

/**
 * Keeps what one source knows of a change's hops (issue 17 point 4). After the change's own
 * write: a failure is logged and loses only that time of the replay, never the change.
 */
export async function keepHop(deps: HopDeps, orderId: string, row: (HopPatch & { kind: HopKind; version: number }) | undefined): Promise<void> {
  if (!deps.hops || !row) return;
  const { kind, version, ...patch } = row;
  try {
    await deps.hops.record(orderId, kind, version, patch, deps.clock());
  } catch (err) {
    deps.logger.warn({ orderId, kind, version, err }, 'a hop time could not be kept for replay');
  }
}

/** An event's write time, and RabbitMQ's confirm of it when given (the relay's 'published'). */
export function keepEventHop(
  deps: HopDeps,
  event: { orderId: string; type: string; version: number; occurredAt: string; data: unknown },
  confirmedAtMs?: number,
): Promise<void> {
  return keepHop(deps, event.orderId, hopRowOfEvent(event, confirmedAtMs));
}

/** A broker or device receipt from `admin/receipts/<orderId>`: bogus or oversized ones are dropped with a line. */
export function keepReceiptHop(deps: HopDeps, topic: string, payload: Buffer): Promise<void> {
  const orderId = topic.split('/')[2];
  let parsed: ReturnType<typeof hopReceiptSchema.safeParse> | undefined;
  if (payload.length <= MAX_HOP_RECEIPT_BYTES) {
    try {
      parsed = hopReceiptSchema.safeParse(JSON.parse(payload.toString('utf8')));
    } catch {
      parsed = undefined;
    }
  }
  if (!parsed?.success || parsed.data.orderId !== orderId) {
    deps.logger.warn({ topic, bytes: payload.length }, 'a hop receipt that is not one was ignored');
    return Promise.resolve();
  }
  return keepHop(deps, parsed.data.orderId, hopRowOfReceipt(parsed.data));
}

/** An order's kept hop times. An order delivery-service never heard of, with nothing kept: NotFoundError. */
export async function getHopHistory(
  deps: { hops?: HopHistory | undefined; store: { orders: Pick<OrderDirectory, 'find'> }; hopRetention: { maxPerOrder: number; retentionDays: number } },
  orderId: string,
): Promise<HopHistoryResponse> {
  const rows = deps.hops ? await deps.hops.list(orderId) : [];
  if (rows.length === 0 && !(await deps.store.orders.find(orderId))) throw new OrderNotFoundError(orderId);
  return { orderId, rows, kept: deps.hopRetention };
}

/** An order event's handler that, once the event is handled, keeps its write time (its confirm is orders-service's to know). */
export function withHopKept<E extends { orderId: string; type: string; version: number; occurredAt: string; data: unknown }>(
  deps: HopDeps,
  handle: (event: E) => Promise<void>,
): (event: E) => Promise<void> {
  return async (event) => {
    await handle(event);
    await keepEventHop(deps, event);
  };
}
