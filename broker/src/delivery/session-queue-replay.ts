import type { Logger } from '@orderpulse/service-kit';
import { closeClients, type ClosableClient } from './close-clients.js';

/** The parts of an aedes client read here. */
export interface SessionClient extends ClosableClient {
  clean: boolean;
  subscriptions: Record<string, { qos?: number } | undefined>;
}

export interface SessionQueueReplayOptions {
  aedes: { clients: Record<string, SessionClient> };
  logger: Logger;
  /** Called with how many sessions were closed to have their queues replayed (metrics). */
  onReplayed?: (sessions: number) => void;
}

/**
 * A QoS 1 message published through another broker is queued in Redis for every persistent
 * session that subscribes to it, and reaches a session connected here through this broker's
 * Redis subscription, which is then removed from the queue on the PUBACK. While that
 * subscription was away, such messages stayed queued and nothing here knew of them: aedes reads
 * a session's queue only when it connects, so delivery-service got a rider's reports once it
 * next reconnected, however long that was. Once the subscription is back, each connected
 * persistent session with a QoS > 0 subscription is closed, and its client's immediate
 * reconnect makes aedes replay the queue, as after any dropped connection (a message in flight
 * comes again and the client takes it as the repeat it is).
 *
 * Replaying the queue into the open connection instead was looked at and left: the persistence
 * keeps which message ids are in flight in the delivering broker's memory only, and a message
 * acknowledged twice would be counted off twice in the packet's shared subscriber count.
 * Clean sessions have no queue and are left alone: the retained resend covers them. No client of
 * ours sets a will; one that did would have it published here, as on any connection the broker
 * closes.
 */
export function createSessionQueueReplay({ aedes, logger, onReplayed }: SessionQueueReplayOptions): () => number {
  return () => {
    const closed = closeClients(aedes.clients, (client) => !client.clean && Object.values(client.subscriptions).some((sub) => (sub?.qos ?? 0) > 0));
    onReplayed?.(closed.length);
    if (closed.length > 0) {
      logger.info(
        { sessions: closed },
        'redis subscription restored: persistent sessions closed so that they reconnect and get what other brokers queued for them meanwhile',
      );
    }
    return closed.length;
  };
}
