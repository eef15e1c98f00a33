import { hopKindOfEvent, hopKindOfTopic, type AdminFeedMessage, type HopKind, type HopReceipt } from '@orderpulse/contracts';
import { TypedEmitter } from '../shared/typed-emitter.js';

/** What reached the customer: a status change (orders/<id>/status) or a rider report (orders/<id>/tracking). */
export type ReceiptKind = HopKind;

/** When RabbitMQ confirmed one event (GET /receipts/:orderId of orders-service or delivery-service). */
export interface ConfirmReceipt {
  eventId: string;
  type: string;
  version: number;
  occurredAt?: string | undefined;
  confirmedAt: string;
}

/** One status change or rider report of an order and the four times it passed, as far as known. */
export interface ReceiptRow {
  kind: ReceiptKind;
  version: number;
  type?: string;
  writtenAt?: number;
  confirmedAt?: number;
  brokerAt?: number;
  deviceAt?: number;
  /** False when the broker saw no customer device subscribed as it was published. */
  watching?: boolean;
}

/**
 * The gaps shown and measured. RabbitMQ confirms a persistent message once it is on disk, and
 * may deliver it to the notifier before that: the broker's hop can come before the confirm, so
 * both are measured from the write, not one after the other.
 */
export const HOPS = ['written→confirmed', 'written→broker', 'broker→device'] as const;
export type Hop = (typeof HOPS)[number];

export interface ReceiptsLimits {
  maxOrders: number;
  rowsPerOrder: number;
  /** The p50/p99 panel's window. */
  windowMs: number;
  maxSamples: number;
}

const DEFAULT_LIMITS: ReceiptsLimits = { maxOrders: 200, rowsPerOrder: 40, windowMs: 5 * 60_000, maxSamples: 5_000 };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * Issue 17 point 1, in the console: per order, the rows of status changes and rider reports with
 * the time each hop was passed (the admin feed's occurredAt, RabbitMQ's confirm, the broker's
 * PUBACK to the notifier, the first customer device's PUBACK), and the p50/p99 of each hop over
 * the last minutes. Bounded: orders, rows per order and samples.
 */
export class ReceiptsModel extends TypedEmitter<{ changed: [orderId: string]; stats: [] }> {
  private readonly orders = new Map<string, Map<string, ReceiptRow>>();
  private samples: Array<{ hop: Hop; ms: number; at: number }> = [];
  private readonly limits: ReceiptsLimits;

  constructor(
    limits: Partial<ReceiptsLimits> = {},
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  applyFeed(entry: AdminFeedMessage): void {
    const kind = hopKindOfEvent(entry.type);
    if (kind) this.update(entry.orderId, kind, entry.version, { type: entry.type, writtenAt: Date.parse(entry.occurredAt) });
  }

  applyReceipt(receipt: HopReceipt): void {
    const kind = hopKindOfTopic(receipt.topic);
    if (!kind) return;
    if (receipt.hop === 'published') this.update(receipt.orderId, kind, receipt.version, { brokerAt: Date.parse(receipt.pubackAt) });
    else
      this.update(receipt.orderId, kind, receipt.version, {
        watching: receipt.watching,
        ...(receipt.deviceAckAt ? { deviceAt: Date.parse(receipt.deviceAckAt) } : {}),
      });
  }

  applyConfirms(orderId: string, receipts: readonly ConfirmReceipt[]): void {
    for (const r of receipts) {
      const kind = hopKindOfEvent(r.type);
      if (kind)
        this.update(orderId, kind, r.version, {
          type: r.type,
          confirmedAt: Date.parse(r.confirmedAt),
          ...(r.occurredAt ? { writtenAt: Date.parse(r.occurredAt) } : {}),
        });
    }
  }

  /** Newest first. */
  rowsOf(orderId: string): ReceiptRow[] {
    return [...(this.orders.get(orderId)?.values() ?? [])].reverse();
  }

  /** p50 and p99 in ms of each hop over the window; undefined for a hop without samples. */
  stats(): Record<Hop, { p50: number; p99: number; count: number } | undefined> {
    this.prune();
    const out = {} as Record<Hop, { p50: number; p99: number; count: number } | undefined>;
    for (const hop of HOPS) {
      const values = this.samples
        .filter((s) => s.hop === hop)
        .map((s) => s.ms)
        .sort((a, b) => a - b);
      out[hop] = values.length === 0 ? undefined : { p50: percentile(values, 50), p99: percentile(values, 99), count: values.length };
    }
    return out;
  }

  private update(orderId: string, kind: ReceiptKind, version: number, patch: Partial<ReceiptRow>): void {
    let rows = this.orders.get(orderId);
    if (rows) this.orders.delete(orderId);
    else rows = new Map();
    this.orders.set(orderId, rows);
    if (this.orders.size > this.limits.maxOrders) this.orders.delete(this.orders.keys().next().value!);
    const key = `${kind}:${version}`;
    const before = rows.get(key) ?? { kind, version };
    const after: ReceiptRow = { ...before, ...patch };
    rows.set(key, after);
    if (rows.size > this.limits.rowsPerOrder) rows.delete(rows.keys().next().value!);
    const sampled = this.sample(before, after);
    this.emit('changed', orderId);
    if (sampled) this.emit('stats');
  }

  /** A hop is sampled once, when both of its ends are first known. */
  private sample(before: ReceiptRow, after: ReceiptRow): boolean {
    const pairs: Array<[Hop, keyof ReceiptRow, keyof ReceiptRow]> = [
      ['written→confirmed', 'writtenAt', 'confirmedAt'],
      ['written→broker', 'writtenAt', 'brokerAt'],
      ['broker→device', 'brokerAt', 'deviceAt'],
    ];
    let sampled = false;
    for (const [hop, from, to] of pairs) {
      const known = (row: ReceiptRow) => typeof row[from] === 'number' && typeof row[to] === 'number';
      if (known(before) || !known(after)) continue;
      const ms = (after[to] as number) - (after[from] as number);
      // The broker hands a message to subscribers before it PUBACKs the notifier, so a page's receipt can
      // precede "broker accepted" (the PUBACK's time) by a millisecond or two: that hop took no time.
      this.samples.push({ hop, ms: hop === 'broker→device' ? Math.max(0, ms) : ms, at: this.now() });
      sampled = true;
    }
    if (sampled) this.prune();
    return sampled;
  }

  private prune(): void {
    const since = this.now() - this.limits.windowMs;
    if (this.samples.length > this.limits.maxSamples || (this.samples[0] && this.samples[0].at < since)) {
      this.samples = this.samples.filter((s) => s.at >= since).slice(-this.limits.maxSamples);
    }
  }
}
