import type { OrderSnapshot, OrderStatus } from '@orderpulse/contracts';
import { topics } from '@orderpulse/contracts';
import { HAPPY_PATH } from '../faults/stream-driver.js';
import { MqttRecorder } from '../harness/mqtt-recorder.js';
import type { OrdersClient } from '../harness/orders-client.js';

const now = () => performance.timeOrigin + performance.now();

export interface BystanderFigures {
  /** PATCH sent → the customer's message with that version, in ms, one per change. */
  latenciesMs: number[];
  /** Changes sent before the attack had finished. */
  duringAttack: number;
  /** The order as the last PATCH returned it: what the store must hold afterwards. */
  last: OrderSnapshot;
}

/** The nearest-rank percentile `p` (0–100) of `values`. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * A customer watching its own order over MQTT-over-WebSocket (as the tracking page does) while
 * an attack runs, and an admin moving that order along through the orders API.
 */
export class Bystander {
  private constructor(
    private readonly orders: OrdersClient,
    readonly order: OrderSnapshot,
    private readonly customer: MqttRecorder,
  ) {}

  /** Creates an order, connects its customer with the order's tracking token and waits for the retained first status. */
  static async start(orders: OrdersClient, mqttWsUrl: string, label: string): Promise<Bystander> {
    const created = await orders.createOrder();
    if (created.status !== 201) throw new Error(`bystander order: ${created.status} ${JSON.stringify(created.body)}`);
    const { trackingToken, ...order } = created.body;
    const customer = await MqttRecorder.connect(mqttWsUrl, [topics.orderStatus(order.id)], {
      clientId: `bystander-${label}`,
      username: 'customer',
      password: trackingToken,
      reconnectPeriod: 0,
    });
    const bystander = new Bystander(orders, order, customer);
    await bystander.received(order.version, 10_000);
    return bystander;
  }

  get topic(): string {
    return topics.orderStatus(this.order.id);
  }

  /** True while the customer's connection is up (it never reconnects by itself: a drop is seen). */
  get connected(): boolean {
    return this.customer.client.connected;
  }

  private received(version: number, timeoutMs: number) {
    return this.customer.waitFor(
      (ms) => ms.find((m) => m.topic === this.topic && m.payload.version === version),
      `the customer to receive version ${version} of ${this.order.id}`,
      timeoutMs,
    );
  }

  /**
   * Sends `path` one PATCH after another, each at least `paceMs` after the one before, and
   * waits for each to reach the customer. `attackRunning()` tells which went out during the attack.
   */
  async drive(
    attackRunning: () => boolean,
    { path = HAPPY_PATH, paceMs = 100, timeoutMs = 10_000 }: { path?: OrderStatus[]; paceMs?: number; timeoutMs?: number } = {},
  ): Promise<BystanderFigures> {
    const latenciesMs: number[] = [];
    let duringAttack = 0;
    let last: OrderSnapshot = this.order;
    for (const status of path) {
      const sentAt = now();
      if (attackRunning()) duringAttack += 1;
      const res = await this.orders.changeStatus(
        this.order.id,
        status === 'shipped' ? { status, trackingNumber: `TRK-${this.order.id.slice(0, 8)}` } : { status },
      );
      if (res.status !== 200) throw new Error(`PATCH ${status}: ${res.status} ${JSON.stringify(res.body)}`);
      last = res.body;
      const message = await this.received(res.body.version, timeoutMs);
      latenciesMs.push(message.receivedAt - sentAt);
      const wait = sentAt + paceMs - now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    return { latenciesMs, duringAttack, last };
  }

  close(): Promise<void> {
    return this.customer.close();
  }
}
