import type { OrderSnapshot, OrderStatus } from '@orderpulse/contracts';
import type { OrdersClient } from '../harness/orders-client.js';

/** The statuses an order walks through after `pending`; every `cancelEvery`-th order is cancelled after `confirmed`. */
export const HAPPY_PATH: OrderStatus[] = ['confirmed', 'processing', 'shipped', 'out_for_delivery', 'delivered'];
export const CANCEL_PATH: OrderStatus[] = ['confirmed', 'cancelled'];

export interface DrivenOrder {
  id: string;
  path: OrderStatus[];
  /** Index into `path` of the next status to send. */
  next: number;
  /** PATCHes that returned 200, with the version they returned. */
  acknowledged: Array<{ status: OrderStatus; version: number }>;
  /** PATCHes whose outcome is unknown (connection error, 5xx): they may or may not have applied. */
  ambiguous: OrderStatus[];
  /** Set after an ambiguous outcome or a 409: the next turn reads the order back instead of writing. */
  resync: boolean;
}

export interface DriverStats {
  patches: number;
  ok: number;
  conflicts: number;
  failures: number;
  resyncs: number;
  /** Answers other than 200 and 409, by status (`error` when the request itself failed). */
  failuresByStatus: Record<string, number>;
  /** Failed answers without a Retry-After header. */
  failuresWithoutRetryAfter: number;
  /** The longest a failed PATCH took to be answered. */
  slowestFailureMs: number;
}

/** A token bucket: `take()` resolves when the next request may start; `ratePerSecond` on average. */
class RateLimiter {
  private nextAt = performance.now();
  constructor(private readonly intervalMs: number) {}
  take(): Promise<void> {
    const now = performance.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + this.intervalMs;
    return at <= now ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, at - now));
  }
}

/**
 * Walks orders through their statuses with PATCH at a steady rate, at most one request per order
 * in flight, many orders at once. Records what every PATCH returned; an unknown outcome (the
 * service died mid-request) makes the next turn of that order read it back and continue from the
 * stored status, so the driver never relies on guessing.
 */
export class StreamDriver {
  readonly orders: DrivenOrder[];
  readonly stats: DriverStats = {
    patches: 0,
    ok: 0,
    conflicts: 0,
    failures: 0,
    resyncs: 0,
    failuresByStatus: {},
    failuresWithoutRetryAfter: 0,
    slowestFailureMs: 0,
  };
  private readonly limiter: RateLimiter;
  private readonly totalSteps: number;
  private doneSteps = 0;
  private progressWaiters: Array<{ fraction: number; resolve: () => void }> = [];

  constructor(
    private readonly client: OrdersClient,
    created: OrderSnapshot[],
    options: { ratePerSecond: number; maxInFlight?: number; cancelEvery?: number },
  ) {
    const cancelEvery = options.cancelEvery ?? 10;
    this.orders = created.map((o, i) => ({
      id: o.id,
      path: i % cancelEvery === cancelEvery - 1 ? CANCEL_PATH : HAPPY_PATH,
      next: 0,
      acknowledged: [],
      ambiguous: [],
      resync: false,
    }));
    this.totalSteps = this.orders.reduce((n, o) => n + o.path.length, 0);
    this.limiter = new RateLimiter(1000 / options.ratePerSecond);
    this.maxInFlight = options.maxInFlight ?? 32;
  }

  private readonly maxInFlight: number;

  /** Resolves once `fraction` of all steps are done (acknowledged or read back as applied). */
  reached(fraction: number): Promise<void> {
    if (this.doneSteps >= fraction * this.totalSteps) return Promise.resolve();
    return new Promise((resolve) => this.progressWaiters.push({ fraction, resolve }));
  }

  private advanced() {
    this.doneSteps += 1;
    this.progressWaiters = this.progressWaiters.filter((w) => {
      if (this.doneSteps < w.fraction * this.totalSteps) return true;
      w.resolve();
      return false;
    });
  }

  /** Drives every order to the end of its path; rejects if that takes longer than `timeoutMs`. */
  async run(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Orders with no request in flight and steps left, oldest turn first.
    const ready = this.orders.filter((o) => o.next < o.path.length);
    let remaining = ready.length;
    let sleepers: Array<() => void> = [];
    const wakeAll = () => {
      const woken = sleepers;
      sleepers = [];
      for (const wake of woken) wake();
    };
    const workers = Array.from({ length: this.maxInFlight }, async () => {
      while (remaining > 0) {
        if (Date.now() > deadline) throw new Error(`driver: ${remaining} orders not finished in ${timeoutMs} ms (${JSON.stringify(this.stats)})`);
        const order = ready.shift();
        if (!order) {
          await new Promise<void>((resolve) => sleepers.push(resolve));
          continue;
        }
        await this.limiter.take();
        await this.turn(order);
        if (order.next >= order.path.length) remaining -= 1;
        else ready.push(order);
        wakeAll();
      }
    });
    await Promise.all(workers);
  }

  private async turn(order: DrivenOrder): Promise<void> {
    if (order.resync) {
      this.stats.resyncs += 1;
      let stored: OrderSnapshot;
      try {
        const res = await this.client.getOrder(order.id);
        if (res.status !== 200) return;
        stored = res.body;
      } catch {
        return;
      }
      const at = stored.status === 'pending' ? 0 : order.path.indexOf(stored.status) + 1;
      if (at <= 0 && stored.status !== 'pending') throw new Error(`driver: order ${order.id} is ${stored.status}, off its path ${order.path.join('>')}`);
      while (order.next < at) {
        order.next += 1;
        this.advanced();
      }
      order.resync = false;
      return;
    }
    const status = order.path[order.next]!;
    const body = status === 'shipped' ? { status, trackingNumber: `TRK-${order.id.slice(0, 8)}` } : { status };
    this.stats.patches += 1;
    const started = performance.now();
    let res: Awaited<ReturnType<OrdersClient['changeStatus']>>;
    try {
      res = await this.client.changeStatus(order.id, body);
    } catch {
      this.failed('error', started, undefined);
      order.ambiguous.push(status);
      order.resync = true;
      return;
    }
    if (res.status === 200) {
      this.stats.ok += 1;
      order.acknowledged.push({ status, version: res.body.version });
      order.next += 1;
      this.advanced();
    } else if (res.status === 409) {
      this.stats.conflicts += 1;
      order.resync = true;
    } else {
      this.failed(String(res.status), started, res.retryAfter);
      order.ambiguous.push(status);
      order.resync = true;
    }
  }

  private failed(status: string, startedAt: number, retryAfter: string | undefined): void {
    const { stats } = this;
    stats.failures += 1;
    stats.failuresByStatus[status] = (stats.failuresByStatus[status] ?? 0) + 1;
    if (status !== 'error' && retryAfter === undefined) stats.failuresWithoutRetryAfter += 1;
    stats.slowestFailureMs = Math.max(stats.slowestFailureMs, Math.round(performance.now() - startedAt));
  }
}
