import type { OutboxEvent } from './outbox-store.js';

/** When RabbitMQ confirmed one event (issue 17 point 1, the second hop). */
export interface ConfirmReceipt {
  eventId: string;
  type: string;
  version: number;
  occurredAt?: string | undefined;
  confirmedAt: string;
}

export interface ConfirmReceiptsOptions {
  /** Orders remembered at once; the one confirmed least recently is forgotten first. */
  maxOrders: number;
  /** Receipts kept per order (the newest). */
  perOrder: number;
  /** Receipts older than this are not returned (and dropped when their order is next touched). */
  ttlMs: number;
}

export const DEFAULT_CONFIRM_RECEIPTS: ConfirmReceiptsOptions = { maxOrders: 5_000, perOrder: 50, ttlMs: 30 * 60_000 };

/**
 * The outbox relay's memory of when RabbitMQ confirmed each recent event, per order, in this
 * process only: what an admin's console reads to show the "confirmed" hop. Bounded by orders,
 * receipts per order and age; recording is a Map update, so publishing pays nothing more.
 */
export class ConfirmReceipts {
  private readonly byOrder = new Map<string, ConfirmReceipt[]>();

  constructor(private readonly options: ConfirmReceiptsOptions = DEFAULT_CONFIRM_RECEIPTS) {}

  record(event: OutboxEvent, confirmedAtMs: number): void {
    const orderId = (event as { orderId?: unknown }).orderId;
    if (typeof orderId !== 'string') return;
    const list = this.byOrder.get(orderId) ?? [];
    this.byOrder.delete(orderId);
    list.push({
      eventId: event.id,
      type: event.type,
      version: event.version,
      occurredAt: event.occurredAt,
      confirmedAt: new Date(confirmedAtMs).toISOString(),
    });
    if (list.length > this.options.perOrder) list.splice(0, list.length - this.options.perOrder);
    this.byOrder.set(orderId, list);
    if (this.byOrder.size > this.options.maxOrders) {
      const oldest = this.byOrder.keys().next().value;
      if (oldest !== undefined) this.byOrder.delete(oldest);
    }
  }

  of(orderId: string, nowMs = Date.now()): ConfirmReceipt[] {
    const list = this.byOrder.get(orderId);
    if (!list) return [];
    const fresh = list.filter((r) => nowMs - Date.parse(r.confirmedAt) < this.options.ttlMs);
    if (fresh.length === 0) this.byOrder.delete(orderId);
    else if (fresh.length < list.length) this.byOrder.set(orderId, fresh);
    return fresh;
  }

  get orderCount(): number {
    return this.byOrder.size;
  }
}
