import { describe, expect, it } from '@jest/globals';
import { waitFor } from '@orderpulse/service-kit/testing';
import type { CatchUp, Message } from '../src/delivery/local-first-emitter.js';
import { createRetainedResend, type ClientsHolder, type RetainedSource } from '../src/delivery/retained-resend.js';
import { captureLogger } from './helpers/capture-logger.js';

/** Unit tests with an in-memory retained store; the real one (Redis, two brokers): redis-subscription-lost.test.ts. */
const retained = (topic: string): Message => ({ topic, payload: Buffer.from(topic), qos: 1, retain: true });

/** A store holding one retained message per topic it is asked for; each call can be held open. */
function memoryStore(topicsStored: string[]) {
  const calls: string[][] = [];
  let hold: Promise<void> | undefined;
  const matches = (filter: string, topic: string) => new RegExp(`^${filter.replace(/\+/g, '[^/]+').replace(/#$/, '.*')}$`).test(topic);
  const source: RetainedSource = {
    async *createRetainedStreamCombi(patterns) {
      calls.push(patterns);
      if (hold) await hold;
      for (const topic of topicsStored) if (patterns.some((p) => matches(p, topic))) yield retained(topic);
    },
  };
  return {
    source,
    calls,
    holdCalls() {
      let release!: () => void;
      hold = new Promise((resolve) => (release = resolve));
      return () => {
        hold = undefined;
        release();
      };
    },
  };
}

function recordingEmitter(newerLive: string[] = []) {
  const delivered: string[] = [];
  return {
    delivered,
    emitter: {
      beginCatchUp: (): CatchUp => ({
        deliver: (message) => {
          if (newerLive.includes(message.topic)) return false;
          delivered.push(message.topic);
          return true;
        },
        end: () => undefined,
      }),
    },
  };
}

const clients = (...subscriptions: string[][]): ClientsHolder => ({
  clients: Object.fromEntries(subscriptions.map((filters, i) => [`client-${i}`, { subscriptions: Object.fromEntries(filters.map((f) => [f, { qos: 1 }])) }])),
});

describe('resending retained messages after the Redis subscription came back', () => {
  it('when clients hold exact and wildcard filters, then wildcards go in one store call, exact topics in batches, and each topic is delivered once', async () => {
    const topics = Array.from({ length: 5 }, (_, i) => `orders/${i}/status`);
    const store = memoryStore([...topics, 'orders/9/location']);
    const { emitter, delivered } = recordingEmitter();
    const log = captureLogger('info');
    const resend = createRetainedResend({
      aedes: clients(['orders/+/status', '$SYS/+/heartbeat'], topics.slice(0, 3), topics.slice(2)),
      persistence: store.source,
      emitter,
      logger: log.logger,
      batchSize: 2,
    });
    await resend();
    expect(store.calls[0]).toEqual(['orders/+/status']); // $SYS filters are left out
    expect(store.calls.slice(1).map((c) => c.length)).toEqual([2, 2, 1]);
    expect([...delivered].sort()).toEqual(topics);
    expect(log.lines.at(-1)).toMatchObject({ filters: 6, retained: 5, resent: 5 });
  });

  it('when a topic had a newer live message, then it is not resent and not counted', async () => {
    const store = memoryStore(['orders/1/status', 'orders/2/status']);
    const { emitter, delivered } = recordingEmitter(['orders/1/status']);
    const counted: number[] = [];
    const resend = createRetainedResend({
      aedes: clients(['orders/1/status', 'orders/2/status']),
      persistence: store.source,
      emitter,
      logger: captureLogger('info').logger,
      onCaughtUp: (n) => counted.push(n),
    });
    await resend();
    expect(delivered).toEqual(['orders/2/status']);
    expect(counted).toEqual([1]);
  });

  it('when the subscription comes back three times during one catch-up, then exactly one more runs after it', async () => {
    const store = memoryStore(['orders/1/status']);
    const { emitter, delivered } = recordingEmitter();
    const resend = createRetainedResend({ aedes: clients(['orders/1/status']), persistence: store.source, emitter, logger: captureLogger('info').logger });
    const release = store.holdCalls();
    const first = resend();
    await waitFor(() => store.calls.length === 1, 'the first store call', 2_000);
    const again = [resend(), resend(), resend()];
    release();
    await Promise.all([first, ...again]);
    expect(store.calls).toHaveLength(2);
    expect(delivered).toEqual(['orders/1/status', 'orders/1/status']);
  });

  it('when the store fails, then the failure is logged with what it means and the next restore runs again', async () => {
    const log = captureLogger('info');
    let fail = true;
    const { emitter, delivered } = recordingEmitter();
    const source: RetainedSource = {
      // eslint-disable-next-line require-yield
      async *createRetainedStreamCombi() {
        if (fail) throw new Error('connection lost');
      },
    };
    const resend = createRetainedResend({ aedes: clients(['orders/1/status']), persistence: source, emitter, logger: log.logger });
    await resend();
    expect(log.lines.find((l) => l.level === 40)).toMatchObject({ err: 'connection lost' });
    fail = false;
    await resend();
    expect(delivered).toEqual([]);
    expect(log.lines.at(-1)).toMatchObject({ filters: 1, resent: 0 });
  });
});
