/**
 * The bench's MQTT clients, held by the generator processes: the publisher in process 0, the
 * subscribers spread over the others. Requests to those processes go through here.
 */
import { createTokenService } from '@orderpulse/service-kit';
import { GeneratorPool, LatencyRecorder, MAX_SOCKETS_PER_PROCESS } from '../lib/index.js';
import { deal, sleep } from '../system/settings.js';
import type { ClientSpec, CollectReply, ConnectReply, Endpoint, ProgressReply, PublishReply, PublishRequest } from './protocol.js';
import { settings } from './settings.js';
import type { Target } from './targets.js';

/** What the subscribers received in one run (client errors and disconnects include the publisher's). */
export interface RunDeliveries {
  received: number;
  outOfOrder: number;
  histogram: LatencyRecorder;
  clientErrors: number;
  disconnects: number;
}

export class GeneratorClients {
  readonly publisherIndex = 0;
  /** The last run number handed out; generators only record messages of the run they are armed for. */
  private run = 0;
  private readonly tokens;
  private readonly tokenCache = new Map<string, string>();

  constructor(
    private readonly pool: GeneratorPool,
    jwtSecret: string,
  ) {
    this.tokens = createTokenService(jwtSecret);
  }

  nextRun(): number {
    return ++this.run;
  }

  pids(): number[] {
    return this.pool.pids();
  }

  private subscriberIndexes(): number[] {
    return Array.from({ length: this.pool.size - 1 }, (_, i) => i + 1);
  }

  private async customerToken(orderId: string): Promise<string> {
    let token = this.tokenCache.get(orderId);
    if (!token) {
      token = await this.tokens.sign({ role: 'customer', sub: `customer:${orderId}`, orderId }, 24 * 3600);
      this.tokenCache.set(orderId, token);
    }
    return token;
  }

  /** `count` subscribers spread round-robin over the orders' status topics. */
  async subscriberSpecs(target: Target, topicsOrders: string[], count: number, tag: string): Promise<ClientSpec[]> {
    const specs: ClientSpec[] = [];
    for (let i = 0; i < count; i++) {
      const orderId = topicsOrders[i % topicsOrders.length]!;
      specs.push({
        clientId: `bench-${tag}-${i}`,
        ...(target.auth && { username: 'customer', password: await this.customerToken(orderId) }),
        addressIndex: i,
        topic: `orders/${orderId}/status`,
      });
    }
    return specs;
  }

  private endpoint(target: Target): Endpoint {
    return { ...target.endpoint, wsWrites: settings.wsWrites };
  }

  /** Spreads specs over the subscriber processes and connects them. */
  async connectSubscribers(target: Target, specs: ClientSpec[]): Promise<void> {
    const subs = this.subscriberIndexes();
    const parts = deal(specs, subs.length);
    if (parts.some((p) => p.length > MAX_SOCKETS_PER_PROCESS)) throw new Error('too many sockets for one generator process');
    const replies = await Promise.all(
      subs.map((index, i) =>
        this.pool.callOne<ConnectReply>(index, 'connect', { endpoint: this.endpoint(target), clients: parts[i], concurrency: 50 }, 120_000),
      ),
    );
    const refused = replies.reduce((n, r) => n + r.refused, 0);
    if (refused > 0) throw new Error(`${refused} of ${specs.length} subscribers could not connect/subscribe to ${target.describe}`);
  }

  async connectPublisher(target: Target): Promise<void> {
    const spec: ClientSpec = {
      clientId: `bench-publisher-${this.run}`,
      ...(target.auth && { username: 'service', password: await this.tokens.sign({ role: 'service', sub: 'notifier' }, 24 * 3600) }),
      addressIndex: 249,
    };
    const reply = await this.pool.callOne<ConnectReply>(
      this.publisherIndex,
      'connect',
      { endpoint: this.endpoint(target), clients: [spec], concurrency: 1 },
      60_000,
    );
    if (reply.connected !== 1) throw new Error(`publisher could not connect to ${target.describe}`);
  }

  async reconnectPublisher(target: Target): Promise<void> {
    await this.pool.callOne(this.publisherIndex, 'disconnect', null, 30_000);
    await this.connectPublisher(target);
  }

  async disconnectAll(): Promise<void> {
    await this.pool.call('disconnect', () => null, 60_000);
  }

  /** From now on every process records only messages of `run`. */
  async arm(run: number): Promise<void> {
    await this.pool.call('arm', () => ({ run }));
  }

  publish(request: PublishRequest): Promise<PublishReply> {
    return this.pool.callOne<PublishReply>(this.publisherIndex, 'publish', request, request.durationMs + 60_000);
  }

  private async totalReceived(): Promise<number> {
    const replies = await this.pool.call<ProgressReply>('progress', () => null, 10_000);
    return replies.reduce((n, r, i) => (i === this.publisherIndex ? n : n + r.received), 0);
  }

  /** Until `expected` messages arrived, or nothing arrived for 5 s, or a minute passed. */
  async waitForDeliveries(expected: number): Promise<void> {
    let last = -1;
    let lastChange = Date.now();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const received = await this.totalReceived();
      if (received >= expected) return;
      if (received !== last) {
        last = received;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > 5_000) return;
      await sleep(50);
    }
  }

  async collect(): Promise<RunDeliveries> {
    const replies = await this.pool.call<CollectReply>('collect', () => null, 30_000);
    const histogram = new LatencyRecorder();
    let received = 0;
    let outOfOrder = 0;
    replies.forEach((reply, i) => {
      if (i === this.publisherIndex) return;
      received += reply.received;
      outOfOrder += reply.outOfOrder;
      histogram.merge(LatencyRecorder.fromJSON(reply.histogram));
    });
    const clientErrors = replies.reduce((n, r) => n + r.clientErrors, 0);
    const disconnects = replies.reduce((n, r) => n + r.disconnects, 0);
    return { received, outOfOrder, histogram, clientErrors, disconnects };
  }
}
