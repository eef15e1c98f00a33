import { randomUUID } from 'node:crypto';
import * as amqplib from 'amqplib';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import { orderEventSchema, type OrderEvent } from '@orderpulse/contracts';
import {
  createAmqpConnection,
  createEventConsumer,
  createLogger,
  listDeadLetters,
  namespaced,
  replayDeadLetters,
  UnprocessableMessageError,
  type AmqpConnection,
  type EventConsumer,
} from '../src/index.js';
import { deleteAmqpNamespace, testNamespace, waitFor } from '../src/testing/index.js';

const url = process.env.AMQP_URL as string;
const logger = createLogger('dlq-test', 'silent');
const QUEUE = 'dlq-test';

function anEvent(): OrderEvent {
  return {
    id: randomUUID(),
    type: 'order.status_changed',
    orderId: randomUUID(),
    version: 2,
    occurredAt: new Date().toISOString(),
    data: { orderNumber: 'OP-ABCDEF12', from: 'pending', to: 'confirmed', trackingNumber: null, history: [] },
  };
}

describe('listing and replaying a dead-letter queue (real RabbitMQ)', () => {
  const namespace = testNamespace('dlq');
  const queue = namespaced(namespace, QUEUE);
  let connection: AmqpConnection;
  let consumer: EventConsumer<OrderEvent>;
  /** Until the "fix" is deployed, every event is refused as unprocessable. */
  let fixed = false;
  const handled: string[] = [];
  const events = [anEvent(), anEvent(), anEvent()];

  beforeAll(async () => {
    connection = createAmqpConnection({ url, logger, name: 'dlq-test' });
    await connection.waitUntilConnected(5_000);
    consumer = createEventConsumer({
      connection,
      namespace,
      queue: QUEUE,
      bindings: [{ exchange: 'orders', pattern: 'order.*' }],
      schema: orderEventSchema,
      logger,
      retryDelayMs: 10,
      handle: async (event) => {
        if (!fixed) throw new UnprocessableMessageError('refused until the fix');
        handled.push(event.id);
      },
    });
    await consumer.start();
    const raw = await amqplib.connect(url);
    const channel = await raw.createConfirmChannel();
    for (const event of events) {
      channel.publish(namespaced(namespace, 'orders'), event.type, Buffer.from(JSON.stringify(event)), { persistent: true, messageId: event.id });
    }
    await channel.waitForConfirms();
    await raw.close();
    await waitFor(async () => (await listDeadLetters(url, queue)).total === 3 || undefined, 'three dead letters');
  });

  afterAll(async () => {
    await consumer?.stop();
    await connection?.close();
    await deleteAmqpNamespace(url, namespace, [QUEUE]);
  });

  it('when listed, then each shows its id, origin and death count, and nothing is removed', async () => {
    const first = await listDeadLetters(url, queue, 2);
    expect(first.total).toBe(3);
    expect(first.shown).toHaveLength(2);
    expect(first.shown[0]).toMatchObject({
      messageId: events[0]!.id,
      exchange: namespaced(namespace, 'orders'),
      routingKey: 'order.status_changed',
      deaths: 1,
    });
    expect(first.shown[0]!.sample).toContain(events[0]!.orderId);
    expect((await listDeadLetters(url, queue)).total).toBe(3);
  });

  it('when replayed after the fix, then every message reaches the consumer again and the DLQ is empty', async () => {
    fixed = true;
    expect(await replayDeadLetters(url, queue)).toBe(3);
    await waitFor(() => handled.length === 3 || undefined, 'the replayed events to be handled');
    expect(new Set(handled)).toEqual(new Set(events.map((e) => e.id)));
    expect((await listDeadLetters(url, queue)).total).toBe(0);
  });

  it('when the command-line tool is run, then it reports the queue and refuses bad usage', async () => {
    const bin = join(__dirname, '../dist/bin/dlq.js');
    const run = promisify(execFile);
    const env = { ...process.env, AMQP_URL: url, AMQP_NAMESPACE: namespace };
    const listed = await run(process.execPath, [bin, 'list', QUEUE], { env });
    expect(listed.stdout).toContain(`${queue}.dlq holds 0 message(s)`);
    const replayed = await run(process.execPath, [bin, 'replay', QUEUE, '5'], { env });
    expect(replayed.stdout).toContain(`moved 0 message(s) from ${queue}.dlq back to ${queue}`);
    await expect(run(process.execPath, [bin, 'drop', QUEUE], { env })).rejects.toMatchObject({ code: 2 });
  });
});
