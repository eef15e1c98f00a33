import { describe, expect, it } from '@jest/globals';
import type { OrderEvent, OrderSnapshot } from '@orderpulse/contracts';
import { createLogger, OutboxRelay } from '@orderpulse/service-kit';
import { waitFor } from '@orderpulse/service-kit/testing';
import type { OrderRepository } from '../src/data-access/order-repository.js';
import { orderOutboxStore } from '../src/messaging/order-outbox-store.js';
import { at, changedTo } from './support/order-factories.js';
import { aSchemaPerTest, describePostgresSkipped, insertedOrder, testPostgresUrl } from './support/postgres.js';

const silent = createLogger('orders-test', 'silent');

/** The outbox two orders-service processes share in PostgreSQL: drains take turns per order, relays publish each event once. */
const postgresUrl = testPostgresUrl();
if (!postgresUrl) {
  describePostgresSkipped('the shared PostgreSQL outbox suite');
} else {
  const url = postgresUrl;

  describe('PostgreSQL outbox shared by two processes', () => {
    const db = aSchemaPerTest(url);
    const { aProcess } = db;

    describe('two processes draining the shared outbox', () => {
      /** A drain that records when it ran and holds until `release` is called. */
      function heldDrain(log: string[], name: string) {
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let entered!: () => void;
        const started = new Promise<void>((resolve) => (entered = resolve));
        const run = async () => {
          log.push(`${name} start`);
          entered();
          await released;
          log.push(`${name} end`);
          return name;
        };
        return { run, release, started };
      }

      it('when both drain the same order, then the second waits until the first is done; another order drains meanwhile', async () => {
        const [a, b] = [await aProcess(), await aProcess()];
        const { order } = await insertedOrder(a);
        const { order: other } = await insertedOrder(a);
        const log: string[] = [];
        const first = heldDrain(log, 'a');
        const second = heldDrain(log, 'b');
        const aside = heldDrain(log, 'other');

        const running = a.exclusiveDrain!(order.id, first.run);
        await first.started;
        const waiting = b.exclusiveDrain!(order.id, second.run);
        const otherRunning = b.exclusiveDrain!(other.id, aside.run);
        await aside.started; // a different order is not held up by the first drain
        aside.release();
        expect(await otherRunning).toBe('other');
        expect(log).toEqual(['a start', 'other start', 'other end']);

        first.release();
        expect(await running).toBe('a');
        await second.started;
        second.release();
        expect(await waiting).toBe('b');
        expect(log).toEqual(['a start', 'other start', 'other end', 'a end', 'b start', 'b end']);
      });

      it('when a drain fails, then the lock is released all the same', async () => {
        const [a, b] = [await aProcess(), await aProcess()];
        const { order } = await insertedOrder(a);
        await expect(a.exclusiveDrain!(order.id, async () => Promise.reject(new Error('broker said no')))).rejects.toThrow('broker said no');
        await expect(b.exclusiveDrain!(order.id, async () => 'drained')).resolves.toBe('drained');
      });

      it('when two relays in two processes are kicked for the same order at once, then each event is published exactly once, in version order', async () => {
        const [a, b] = [await aProcess(), await aProcess()];
        const { order, created } = await insertedOrder(a);
        const { next, event: confirmed } = changedTo(order, 'confirmed', at(1));
        expect(await b.update(next, order.version, confirmed)).toBe(true);
        const published: string[] = [];
        const publisher = {
          async publish(event: OrderEvent) {
            await new Promise((resolve) => setTimeout(resolve, 5)); // a broker round trip
            published.push(`${event.version}`);
          },
        };
        const relays = [a, b].map((repo) => new OutboxRelay<OrderEvent>({ store: orderOutboxStore(repo), publisher, logger: silent, sweepIntervalMs: 60_000 }));
        relays.forEach((relay) => relay.kick(order.id));
        await waitFor(async () => (await a.countPendingEvents()) === 0, 'the outbox to drain');
        await Promise.all(relays.map((relay) => relay.stop()));
        expect(published).toEqual([`${created.version}`, `${confirmed.version}`]);
      });
    });

    describe('two processes relaying the same outbox', () => {
      it('when both relays sweep while both processes keep writing, then every event is published exactly once, each order in version order across both, and the outbox empties', async () => {
        const [a, b] = [await aProcess(), await aProcess()];
        const written: OrderEvent[] = [];
        const orders: OrderSnapshot[] = [];
        for (let i = 0; i < 20; i += 1) {
          const { order, created } = await insertedOrder(i % 2 ? a : b, { createdAt: at(i) });
          orders.push(order);
          written.push(created);
        }

        // Both relays list the same outbox: neither hides anything from the other.
        const [listedByA, listedByB] = await Promise.all([a.listWithPendingEvents(100), b.listWithPendingEvents(100)]);
        expect(listedByA).toEqual(listedByB);
        expect(listedByA.map((s) => s.order.id)).toEqual(orders.map((o) => o.id));

        const published: OrderEvent[][] = [[], []];
        const inPublishOrder: OrderEvent[] = [];
        const relays = [a, b].map(
          (repo, i) =>
            new OutboxRelay<OrderEvent>({
              store: orderOutboxStore(repo),
              publisher: { publish: async (event) => void (published[i]!.push(event), inPublishOrder.push(event)) },
              logger: silent,
              sweepIntervalMs: 60_000,
              batchSize: 3,
              aggregateIdField: 'orderId',
            }),
        );

        // Writers add events to the orders while the relays are publishing and removing theirs.
        async function keepWriting(repo: OrderRepository, mine: OrderSnapshot[]): Promise<void> {
          for (const start of mine) {
            let current = start;
            for (let step = 0; step < 3; step += 1) {
              const { next, event } = changedTo(current, 'processing', at(30 + step));
              if (!(await repo.update(next, current.version, event))) throw new Error('no other writer touches these orders');
              written.push(event);
              current = next;
            }
          }
        }
        await Promise.all([
          relays[0]!.sweep(),
          relays[1]!.sweep(),
          keepWriting(a, orders.filter((_, i) => i % 2 === 0)),
          keepWriting(b, orders.filter((_, i) => i % 2 === 1)),
        ]);
        // A sweep ends when it sees nothing leaving (the other relay may have taken it): sweep again until it is empty.
        for (let round = 0; round < 10 && (await a.countPendingEvents()) > 0; round += 1) {
          await Promise.all(relays.map((relay) => relay.sweep()));
        }

        expect(await a.countPendingEvents()).toBe(0);
        expect(await b.listWithPendingEvents(100)).toEqual([]);
        const publishedIds = new Set(published.flat().map((e) => e.id));
        expect(written.filter((e) => !publishedIds.has(e.id))).toEqual([]);
        expect(written).toHaveLength(20 * 4);
        // Each order's drains take turns (a lock per order in PostgreSQL): no event twice, none overtaken.
        expect(inPublishOrder).toHaveLength(written.length);
        for (const order of orders) {
          expect(inPublishOrder.filter((e) => e.orderId === order.id).map((e) => e.version)).toEqual([1, 2, 3, 4]);
        }
        expect(published.every((events) => events.length > 0)).toBe(true);
      });

      it('when one process removes an event while another appends one to the same order, then the new event stays pending', async () => {
        const [a, b] = [await aProcess(), await aProcess()];
        const orders = await Promise.all(Array.from({ length: 20 }, () => insertedOrder(a)));
        const changes = orders.map(({ order }) => changedTo(order, 'confirmed', at(5)));
        await Promise.all(
          orders.flatMap(({ order, created }, i) => [a.removePendingEvent(order.id, created.id), b.update(changes[i]!.next, 1, changes[i]!.event)]),
        );
        for (const [i, { order }] of orders.entries()) {
          expect((await a.findById(order.id))?.pendingEvents).toEqual([changes[i]!.event]);
        }
        expect(await b.countPendingEvents()).toBe(orders.length);
      });
    });
  });
}
