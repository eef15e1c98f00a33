import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

/** One message as a subscriber received it, for one order. */
export interface Seen {
  version: number;
  status: string;
  retained: boolean;
}

/**
 * What one subscriber saw of one order. The client rule (DESIGN.md): keep the highest version
 * seen, apply only messages above it. Definitions used by the fault report:
 * - `raw`: every message, in arrival order;
 * - `applied`: the messages the client rule applies (strictly increasing by construction);
 * - a *duplicate* is a message whose version equals the highest seen (redelivery, a retained
 *   copy on resubscribe): harmless and not counted against the system;
 * - a *regression* is a message, retained or live, whose version is LOWER than the highest seen
 *   before it (after removing duplicates): the system handed out state older than what this
 *   subscriber already had. The client rule ignores it, but it must not happen: it means some
 *   publisher or the broker's retained copy went backwards.
 */
export class OrderView {
  readonly raw: Seen[] = [];
  highest = 0;
  status = '';
  regressions = 0;
  duplicates = 0;

  accept(seen: Seen): void {
    this.raw.push(seen);
    if (seen.version > this.highest) {
      this.highest = seen.version;
      this.status = seen.status;
    } else if (seen.version === this.highest) this.duplicates += 1;
    else this.regressions += 1;
  }
}

/** One mqtt.js connection subscribed to the status (and tracking) topics of some orders, or a wildcard, recording per order and topic. */
export class StatusSubscriber {
  readonly views = new Map<string, OrderView>();
  private waiters = new Set<() => void>();
  reconnects = 0;
  /** When each live (not retained) message arrived (performance.now()), for the stall figure. */
  readonly arrivals: number[] = [];

  private constructor(
    readonly name: string,
    readonly client: MqttClient,
    private readonly watched: Set<string> | undefined,
  ) {
    client.on('message', (topic, payload, packet) => {
      const match = /^orders\/([^/]+)\/(status|tracking)$/.exec(topic);
      if (!match) return;
      if (this.watched && !this.watched.has(match[1]!)) return;
      // Views are keyed by order id for the status topic and `<orderId>/tracking` for tracking.
      const orderId = match[2] === 'status' ? match[1]! : `${match[1]!}/tracking`;
      let body: { version?: unknown; status?: unknown };
      try {
        body = JSON.parse(payload.toString('utf8')) as typeof body;
      } catch {
        return;
      }
      if (typeof body.version !== 'number') return;
      let view = this.views.get(orderId);
      if (!view) this.views.set(orderId, (view = new OrderView()));
      view.accept({ version: body.version, status: String(body.status), retained: packet.retain });
      if (!packet.retain) this.arrivals.push(performance.now());
      for (const wake of this.waiters) wake();
    });
    client.on('connect', () => (this.reconnects += 1));
  }

  /**
   * `topics` are subscribed at QoS 1; mqtt.js reconnects by itself and resubscribes them.
   * `orderIds` limits what is recorded (a wildcard subscriber sees other tests' orders too).
   */
  static async connect(name: string, url: string, topics: string[], options: IClientOptions, orderIds?: Iterable<string>): Promise<StatusSubscriber> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 100, connectTimeout: 5_000, clean: true, resubscribe: true, ...options });
    const subscriber = new StatusSubscriber(name, client, orderIds ? new Set(orderIds) : undefined);
    const granted = await client.subscribeAsync(topics, { qos: 1 });
    const refused = granted.filter((g) => g.qos === 128);
    if (refused.length) throw new Error(`${name}: subscription refused: ${refused.map((g) => g.topic).join(', ')}`);
    return subscriber;
  }

  /** The longest time between two live messages arriving after `since` (performance.now()): how long updates stopped. */
  longestGapSince(since: number): number {
    const after = this.arrivals.filter((at) => at >= since);
    let longest = after.length ? after[0]! - since : 0;
    for (let i = 1; i < after.length; i += 1) longest = Math.max(longest, after[i]! - after[i - 1]!);
    return Math.round(longest);
  }

  /** When the first live message after `since` (performance.now()) arrived, or undefined if none has. */
  firstArrivalAfter(since: number): number | undefined {
    return this.arrivals.find((at) => at >= since);
  }

  view(orderId: string): OrderView | undefined {
    return this.views.get(orderId);
  }

  /** Resolves once `check()` is true, re-checked on every message; rejects after `timeoutMs`. */
  until(check: () => boolean, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(attempt);
        resolve(value);
      };
      const attempt = () => {
        if (check()) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(attempt);
      attempt();
    });
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}

export interface Expected {
  orderId: string;
  version: number;
  status: string;
}

export interface CheckResult {
  /** (subscriber, order) pairs checked. */
  pairs: number;
  /** Pairs whose subscriber never reached the stored version and status. */
  lost: Array<{ subscriber: string; orderId: string; expected: string; got: string }>;
  regressions: Array<{ subscriber: string; orderId: string; raw: string }>;
  duplicates: number;
}

/**
 * Waits until every subscriber holds the stored final version of every order it watches
 * (`watching(sub)` lists them), or `timeoutMs`; then reports what is missing and what went
 * backwards.
 */
export async function checkSubscribers(subscribers: Array<{ subscriber: StatusSubscriber; orders: Expected[] }>, timeoutMs: number): Promise<CheckResult> {
  const reached = (s: StatusSubscriber, e: Expected) => {
    const view = s.view(e.orderId);
    return view !== undefined && view.highest >= e.version;
  };
  const deadline = Date.now() + timeoutMs;
  await Promise.all(
    subscribers.map(({ subscriber, orders }) => subscriber.until(() => orders.every((e) => reached(subscriber, e)), Math.max(0, deadline - Date.now()))),
  );
  const result: CheckResult = { pairs: 0, lost: [], regressions: [], duplicates: 0 };
  for (const { subscriber, orders } of subscribers) {
    for (const e of orders) {
      result.pairs += 1;
      const view = subscriber.view(e.orderId);
      if (!view || view.highest !== e.version || view.status !== e.status) {
        result.lost.push({
          subscriber: subscriber.name,
          orderId: e.orderId,
          expected: `${e.status}@${e.version}`,
          got: view ? `${view.status}@${view.highest}` : 'nothing',
        });
      }
      if (view?.regressions) {
        result.regressions.push({
          subscriber: subscriber.name,
          orderId: e.orderId,
          raw: view.raw.map((r) => `${r.version}${r.retained ? 'r' : ''}`).join(','),
        });
      }
      result.duplicates += view?.duplicates ?? 0;
    }
  }
  return result;
}
