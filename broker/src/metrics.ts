import { Counter, Gauge, type Registry } from '@orderpulse/service-kit';
import { REFUSAL_REASONS } from './refusals/reasons.js';

export interface BrokerMetrics {
  registry: Registry;
  connections: Counter<'transport'>;
  /** Read at scrape time from countPublished's plain counters. */
  published: Counter<'qos' | 'retained'>;
  /** Counts one PUBLISH accepted from a client: two array increments, no label hashing per message. */
  countPublished(qos: number, retain: boolean): void;
  /** Labelled with a RefusalReason; every reason starts at 0 so dashboards see it before the first refusal. */
  refused: Counter<'reason'>;
  /** Not a refusal: tokens expire in normal use, and their clients reconnect with fresh ones. */
  tokenExpiredDisconnects: Counter;
  /** Refusal log lines left out by the per-reason rate limit (the refusals are all in `refused`). */
  refusalLogLinesSuppressed: Counter<'reason'>;
  /** CONNECTs whose keepalive (0, or above MQTT_MAX_KEEPALIVE_SECONDS) was replaced by the maximum. */
  keepaliveCapped: Counter<'requested'>;
  /** Offline persistent sessions the broker wiped after MQTT_SESSION_EXPIRY_SECONDS. */
  persistentSessionsExpired: Counter;
  publishesDelayed: Counter;
  /** Catch-ups after the Redis subscription came back, and the retained messages they resent (delivery/retained-resend.ts). */
  redisCatchUps: Counter;
  retainedResent: Counter;
  /** Persistent sessions closed at those catch-ups so that aedes replays their queues (delivery/session-queue-replay.ts). */
  sessionQueuesReplayed: Counter;
  /** Clients watching a feed (admin consoles on `admin/orders`) closed at those catch-ups so that they reload (delivery/feed-resync.ts). */
  feedWatchersResynced: Counter;
}

const QOS_LABELS = ['0', '1', '2'] as const;

export function createBrokerMetrics(registry: Registry): BrokerMetrics {
  // Index qos * 2 + retain; what has been moved into the prom-client counter so far.
  const publishedCounts = new Float64Array(6);
  const publishedReported = new Float64Array(6);
  const metrics: BrokerMetrics = {
    registry,
    countPublished(qos, retain) {
      const i = (qos > 2 ? 2 : qos < 0 ? 0 : qos) * 2 + (retain ? 1 : 0);
      publishedCounts[i] = (publishedCounts[i] as number) + 1;
    },
    connections: new Counter({
      name: 'mqtt_connections_total',
      help: 'MQTT clients that completed CONNECT, by transport',
      labelNames: ['transport'],
      registers: [registry],
    }),
    published: new Counter({
      name: 'mqtt_messages_published_total',
      help: 'PUBLISH packets accepted from clients',
      labelNames: ['qos', 'retained'],
      registers: [registry],
      collect() {
        for (let i = 0; i < publishedCounts.length; i += 1) {
          const delta = (publishedCounts[i] as number) - (publishedReported[i] as number);
          if (delta <= 0) continue;
          publishedReported[i] = publishedCounts[i] as number;
          this.inc({ qos: QOS_LABELS[i >> 1] as string, retained: String(i % 2 === 1) }, delta);
        }
      },
    }),
    refused: new Counter({
      name: 'mqtt_refusals_total',
      help: 'Connections, subscriptions, publishes and deliveries refused by the auth hooks, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    tokenExpiredDisconnects: new Counter({
      name: 'mqtt_token_expired_disconnects_total',
      help: 'Connections the broker closed because their token expired while they were connected',
      registers: [registry],
    }),
    refusalLogLinesSuppressed: new Counter({
      name: 'mqtt_refusal_log_lines_suppressed_total',
      help: 'Refusal log lines left out by the per-reason rate limit (every refusal is still counted in mqtt_refusals_total)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    keepaliveCapped: new Counter({
      name: 'mqtt_keepalive_capped_total',
      help: 'CONNECTs whose keepalive (0, or above the maximum) was replaced by MQTT_MAX_KEEPALIVE_SECONDS',
      labelNames: ['requested'],
      registers: [registry],
    }),
    persistentSessionsExpired: new Counter({
      name: 'mqtt_persistent_sessions_expired_total',
      help: 'Offline persistent sessions wiped after MQTT_SESSION_EXPIRY_SECONDS',
      registers: [registry],
    }),
    publishesDelayed: new Counter({
      name: 'mqtt_publishes_delayed_total',
      help: 'Publishes of a customer or rider token held back to keep it to MQTT_MAX_PUBLISHES_PER_SECOND',
      registers: [registry],
    }),
    redisCatchUps: new Counter({
      name: 'mqtt_redis_catch_ups_total',
      help: "Times this broker's Redis subscription came back after it was lost and its subscribers were sent the retained messages they may have missed",
      registers: [registry],
    }),
    retainedResent: new Counter({
      name: 'mqtt_retained_resent_total',
      help: 'Retained messages resent to subscribers by those catch-ups (topics with a newer live message since are left out)',
      registers: [registry],
    }),
    sessionQueuesReplayed: new Counter({
      name: 'mqtt_session_queues_replayed_total',
      help: 'Connected persistent sessions closed at those catch-ups, so that they reconnect and get the QoS 1 messages other brokers queued for them meanwhile',
      registers: [registry],
    }),
    feedWatchersResynced: new Counter({
      name: 'mqtt_feed_watchers_resynced_total',
      help: 'Clients watching admin/orders closed at those catch-ups, so that they reconnect and reload what the feed lines other brokers published meanwhile changed',
      registers: [registry],
    }),
  };
  for (const reason of REFUSAL_REASONS) metrics.refused.inc({ reason }, 0);
  for (const requested of ['zero', 'above_max']) metrics.keepaliveCapped.inc({ requested }, 0);
  return metrics;
}

/** Read when scraped, so it can never drift from the broker's own count. */
export function registerConnectedClientsGauge(registry: Registry, connectedClients: () => number): void {
  registerReadGauge(registry, { name: 'mqtt_connected_clients', help: 'MQTT clients connected right now' }, connectedClients);
}

/** Persistent sessions this broker knows of (online or offline, expiring ones included). */
export function registerPersistentSessionsGauge(registry: Registry, sessions: () => number): void {
  registerReadGauge(
    registry,
    { name: 'mqtt_persistent_sessions', help: 'Persistent sessions (clean=false) this broker keeps track of, online or offline' },
    sessions,
  );
}

/** `name: '…'` spelled out at each call, as for every other metric: the compose checks find metric names that way. */
function registerReadGauge(registry: Registry, { name, help }: { name: string; help: string }, read: () => number): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}
