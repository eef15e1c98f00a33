import { hasWildcard } from '@orderpulse/contracts';
import type { Logger } from '@orderpulse/service-kit';
import type { CatchUp, Message } from './local-first-emitter.js';

/** aedes' retained-message store (aedes-persistence-redis here). */
export interface RetainedSource {
  createRetainedStreamCombi(patterns: string[]): AsyncIterable<Message>;
}

/** The part of an aedes instance read here: its connected clients and their subscription filters. */
export interface ClientsHolder {
  clients: Record<string, { subscriptions: Record<string, unknown> }>;
}

export interface RetainedResendOptions {
  aedes: ClientsHolder;
  persistence: RetainedSource;
  /** Delivers to this broker's subscribers only, unless newer came live meanwhile (LocalFirstEmitter.beginCatchUp). */
  emitter: { beginCatchUp(): CatchUp };
  logger: Logger;
  /** Called after each catch-up with how many messages it resent (metrics). */
  onCaughtUp?: (resent: number) => void;
  /** Filters looked up per store call; calls run `concurrency` at a time. */
  batchSize?: number;
  concurrency?: number;
}

/**
 * Makes up for what the other brokers published while this broker's Redis subscription was away
 * (Redis pub/sub keeps nothing for it): every retained message matching a filter this broker's
 * clients subscribe to is delivered to them again. The notifier's per-order and per-rider topics
 * are retained and versioned, so a subscriber that already had a message ignores it and one that
 * missed the last change gets it. Riders' QoS 1 reports to a persistent session are replayed from
 * its queue (session-queue-replay.ts); the admin feed, neither retained nor queued, is not made
 * up for, but its watchers are closed so that they reload (feed-resync.ts). The cost is that of every client resubscribing, once per lost subscription;
 * a restore that comes while one is running starts one more run after it, no more.
 */
export function createRetainedResend({
  aedes,
  persistence,
  emitter,
  logger,
  onCaughtUp,
  batchSize = 500,
  concurrency = 4,
}: RetainedResendOptions): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;

  const resendOnce = async () => {
    const startedAt = performance.now();
    const exact = new Set<string>();
    const wildcards = new Set<string>();
    for (const client of Object.values(aedes.clients)) {
      for (const filter of Object.keys(client.subscriptions)) {
        if (filter.startsWith('$')) continue; // the brokers' own $SYS traffic: never retained by us
        (hasWildcard(filter) ? wildcards : exact).add(filter);
      }
    }
    // Wildcards in one call (a scan of the store), so that a topic two of them match comes once.
    const batches: string[][] = wildcards.size ? [[...wildcards]] : [];
    const topics = [...exact];
    for (let i = 0; i < topics.length; i += batchSize) batches.push(topics.slice(i, i + batchSize));
    const seen = new Set<string>();
    let resent = 0;
    const catchUp = emitter.beginCatchUp();
    const work = async () => {
      for (let batch = batches.shift(); batch; batch = batches.shift()) {
        for await (const message of persistence.createRetainedStreamCombi(batch)) {
          if (seen.has(message.topic)) continue;
          seen.add(message.topic);
          if (catchUp.deliver(message)) resent += 1;
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, work));
    } finally {
      catchUp.end();
    }
    onCaughtUp?.(resent);
    logger.info(
      { filters: exact.size + wildcards.size, retained: seen.size, resent, ms: Math.round(performance.now() - startedAt) },
      "redis subscription restored: retained messages resent to this broker's subscribers, for what other brokers published meanwhile",
    );
  };

  const run = async (): Promise<void> => {
    do {
      again = false;
      try {
        await resendOnce();
      } catch (err) {
        logger.warn(
          { err: (err as Error).message },
          'resending retained messages after a redis reconnect failed; subscribers may hold an older state until their next update or reconnect',
        );
      }
    } while (again);
  };

  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = run().finally(() => {
      running = undefined;
    });
    return running;
  };
}
