import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import { deleteAmqpNamespace, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { OrdersClient, TestTokens, startSystem, type RunningSystem, type ServiceName } from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;
const SHUTDOWN_BUDGET_MS = 10_000;

/** SIGTERM: stop taking work, finish what is in flight, close connections, exit 0 in bounded time. */
describe('when each process gets SIGTERM, then it exits 0 in bounded time without losing work', () => {
  const namespace = testNamespace('term');
  let system: RunningSystem;
  let orders: OrdersClient;

  beforeAll(async () => {
    system = await startSystem({ amqpUrl, namespace, ports: 'free', services: ['broker', 'orders', 'delivery', 'notifier', 'mail', 'web'], logLevel: 'info' });
    orders = new OrdersClient(system.urls.orders, await new TestTokens(system.jwtSecret).admin());
  }, 60_000);
  afterAll(async () => {
    await system?.stop();
    await deleteAmqpNamespace(amqpUrl, namespace, ['notifier', 'delivery-service.orders', 'orders-service.delivery', 'mail-service']);
  });

  it('then orders-service, stopped while writes are in flight, keeps every write it answered and republishes its outbox after restart', async () => {
    const created = await Promise.all(Array.from({ length: 20 }, () => orders.createOrder()));
    expect(created.every((r) => r.status === 201)).toBe(true);
    const inFlight = created.map((r) => orders.changeStatus(r.body.id, { status: 'confirmed' }).catch(() => ({ status: 0, body: undefined })));
    const process = system.processes.get('orders')!;
    const started = Date.now();
    const code = await process.stop('SIGTERM', SHUTDOWN_BUDGET_MS + 5_000);
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(SHUTDOWN_BUDGET_MS);
    expect(process.lines.some((l) => l.includes('shutdown complete'))).toBe(true);
    const answered = (await Promise.all(inFlight)).filter((r) => r.status === 200).map((r) => r.body!.id);

    await system.restart('orders');
    for (const id of answered) expect((await orders.getOrder(id)).body).toMatchObject({ status: 'confirmed', version: 2 });
    await waitFor(
      async () => {
        const metrics = await (await fetch(system.urls.metrics.orders)).text();
        return /^outbox_pending_events\{[^}]*\} 0$/m.test(metrics);
      },
      'the outbox to be empty after the restart',
      15_000,
    );
  }, 60_000);

  it.each<ServiceName>(['web', 'mail', 'notifier', 'delivery', 'orders', 'broker'])(
    'then %s exits 0 within the budget and says so',
    async (name) => {
      const process = system.processes.get(name)!;
      const started = Date.now();
      const code = await process.stop('SIGTERM', SHUTDOWN_BUDGET_MS + 5_000);
      expect(code).toBe(0);
      expect(Date.now() - started).toBeLessThan(SHUTDOWN_BUDGET_MS);
    },
    30_000,
  );
});
