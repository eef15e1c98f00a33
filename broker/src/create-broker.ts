import { CloserStack, createHttpApp, createMetricsRegistry, createTokenService, listen, listenMetrics, type Logger } from '@orderpulse/service-kit';
import { topics } from '@orderpulse/contracts';
import type { Aedes } from 'aedes';
import { createAdmission } from './admission/admission.js';
import { boundKeepalive } from './admission/keepalive.js';
import { chainPreConnect } from './admission/pre-connect.js';
import { createAuthHooks, createSubscriptionQuota } from './auth/index.js';
import { MQTT_WS_PATH, type BrokerConfig } from './config.js';
import { createAedes, createMemoryPersistence } from './create-aedes.js';
import { createBrokerMetrics, registerConnectedClientsGauge, registerPersistentSessionsGauge } from './metrics.js';
import { connectRedisState, describeRedisUrl, type RedisState } from './redis-state.js';
import { createRetainedResend, type ClientsHolder, type RetainedSource } from './delivery/retained-resend.js';
import { createSessionQueueReplay, type SessionClient } from './delivery/session-queue-replay.js';
import { createFeedResync, type FeedWatcher } from './delivery/feed-resync.js';
import { createRefusals, type RefuseFn } from './refusals/refuse.js';
import { truncateForLog } from './refusals/truncate.js';
import { trackRiderPresence } from './presence/rider-presence.js';
import { trackDeviceReceipts } from './receipts/device-receipts.js';
import { directDelivery } from './delivery/direct-delivery.js';
import { createPersistentSessions } from './sessions/persistent-sessions.js';
import { deliverQueuedFirst } from './sessions/resume-in-order.js';
import { forgetSessionsTakenElsewhere } from './sessions/watch-other-brokers.js';
import type { SessionStore } from './sessions/wipe-session.js';
import { listenTcp } from './transports/tcp.js';
import type { Transport } from './transports/transport.js';
import { listenWebSocket } from './transports/websocket.js';

/** Everything in BrokerConfig but the process-level settings; Redis and the metrics listener are optional. */
export type BrokerSettings = Omit<BrokerConfig, 'NODE_ENV' | 'LOG_LEVEL' | 'REDIS_URL' | 'REDIS_NAMESPACE' | 'METRICS_PORT' | 'METRICS_HOST'> &
  Partial<Pick<BrokerConfig, 'REDIS_URL' | 'REDIS_NAMESPACE' | 'METRICS_PORT' | 'METRICS_HOST'>>;

/** How long closing aedes may take when its mq is Redis (a dead Redis can hold QUIT forever), and when Redis is already away. */
const SHARED_CLOSE_TIMEOUT_MS = 10_000;
const SHARED_CLOSE_TIMEOUT_REDIS_DOWN_MS = 1_000;

export interface RunningBroker {
  tcpPort: number;
  wsPort: number;
  httpPort: number;
  /** Serves /metrics (METRICS_PORT; a free port when the settings name none), never the health port. */
  metricsPort: number;
  /** Stops accepting, disconnects every client, closes the servers. */
  close(): Promise<void>;
}

/**
 * Aedes over TCP and WebSocket plus its health HTTP server and its metrics server; ports may be 0. Parts are
 * closed in the reverse of their start order (a CloserStack), also when a later part fails to start.
 * With REDIS_URL, subscriptions, messages, retained messages and persistent sessions are shared
 * with every broker using the same Redis (and REDIS_NAMESPACE).
 */
export async function createBroker(config: BrokerSettings, logger: Logger): Promise<RunningBroker> {
  const host = config.HOST;
  const closers = new CloserStack(logger);
  try {
    const metrics = createBrokerMetrics(createMetricsRegistry('broker'));
    const refusals = createRefusals({
      logger,
      count: (reason) => metrics.refused.inc({ reason }),
      linesPerSecond: config.REFUSAL_LOG_LINES_PER_SECOND,
      maxFieldChars: config.REFUSAL_LOG_FIELD_MAX_CHARS,
      onSuppressed: (reason) => metrics.refusalLogLinesSuppressed.inc({ reason }),
    });
    closers.add('refusal log', async () => refusals.log.close());

    let redis: RedisState | undefined;
    if (config.REDIS_URL) {
      redis = await connectRedisState({
        url: config.REDIS_URL,
        namespace: config.REDIS_NAMESPACE ?? '',
        logger,
        queuedMessageTtlSeconds: 2 * config.MQTT_SESSION_EXPIRY_SECONDS,
      });
      closers.add('redis', redis.close);
    }
    const persistence = redis?.persistence ?? createMemoryPersistence();
    const persistentSessions = createPersistentSessions({
      store: persistence as SessionStore,
      expiryMs: config.MQTT_SESSION_EXPIRY_SECONDS * 1_000,
      maxPerSubject: config.MQTT_MAX_PERSISTENT_SESSIONS_PER_SUBJECT,
      onExpired: ({ id, subject, offlineMs }) => {
        metrics.persistentSessionsExpired.inc();
        refusals.log.write(
          'info',
          'session_expired',
          { clientId: truncateForLog(id, refusals.maxFieldChars), subject: truncateForLog(subject, refusals.maxFieldChars), offlineMs },
          'persistent session expired',
        );
      },
      onWipeFailed: (id, err) =>
        logger.error(
          { clientId: truncateForLog(id, refusals.maxFieldChars), err: (err as Error).message },
          'expiring a persistent session failed; it is left as it is',
        ),
    });
    closers.add('persistent sessions', async () => persistentSessions.close());

    const tokens = createTokenService(config.JWT_SECRET);
    const subscriptions = createSubscriptionQuota(config.MQTT_MAX_SUBSCRIPTIONS_PER_CLIENT);
    const { sessionOf, ...hooks } = createAuthHooks({
      logger,
      refuse: refusals.refuse,
      limits: {
        maxPayloadBytes: config.MAX_PAYLOAD_BYTES,
        maxClientIdLength: config.MQTT_MAX_CLIENT_ID_LENGTH,
        maxConnectionsPerSubject: config.MQTT_MAX_CONNECTIONS_PER_SUBJECT,
        maxPersistentSessionsPerSubject: config.MQTT_MAX_PERSISTENT_SESSIONS_PER_SUBJECT,
        maxSubscriptionsPerClient: config.MQTT_MAX_SUBSCRIPTIONS_PER_CLIENT,
        maxPublishesPerSecond: config.MQTT_MAX_PUBLISHES_PER_SECOND,
      },
      verifyToken: tokens.verify,
      persistentSessions,
      subscriptions,
      onTokenExpired: () => metrics.tokenExpiredDisconnects.inc(),
      onPublishDelayed: () => metrics.publishesDelayed.inc(),
    });
    const aedes = await createAedes({
      hooks,
      preConnect: chainPreConnect(
        boundKeepalive(config.MQTT_MAX_KEEPALIVE_SECONDS, (requested) => metrics.keepaliveCapped.inc({ requested })),
        directDelivery(),
        deliverQueuedFirst(),
      ),
      logger,
      metrics,
      connectTimeoutMs: 2 * config.MQTT_CONNECT_TIMEOUT_MS,
      persistence,
      ...(redis && { mq: redis.mq }),
    });
    closers.add('aedes', () => closeAedes(aedes, redis && (redis.isReady() ? SHARED_CLOSE_TIMEOUT_MS : SHARED_CLOSE_TIMEOUT_REDIS_DOWN_MS), logger));
    aedes.on('unsubscribe', (filters, client) => subscriptions.release(client, filters));
    trackRiderPresence({ aedes, claimsOf: (client) => sessionOf(client)?.claims, logger });
    trackDeviceReceipts({ aedes, claimsOf: (client) => sessionOf(client)?.claims, logger });
    await forgetSessionsTakenElsewhere(aedes, persistentSessions);
    registerConnectedClientsGauge(metrics.registry, () => aedes.connectedClients);
    registerPersistentSessionsGauge(metrics.registry, persistentSessions.size);
    if (redis) {
      const resend = createRetainedResend({
        aedes: aedes as unknown as ClientsHolder,
        persistence: persistence as RetainedSource,
        emitter: redis.mq,
        logger,
        onCaughtUp: (resent) => {
          metrics.redisCatchUps.inc();
          metrics.retainedResent.inc(resent);
        },
      });
      const replaySessionQueues = createSessionQueueReplay({
        aedes: aedes as unknown as { clients: Record<string, SessionClient> },
        logger,
        onReplayed: (sessions) => metrics.sessionQueuesReplayed.inc(sessions),
      });
      const resyncFeeds = createFeedResync({
        aedes: aedes as unknown as { clients: Record<string, FeedWatcher> },
        logger,
        feeds: [topics.adminOrders()],
        onResynced: (clients) => metrics.feedWatchersResynced.inc(clients),
      });
      redis.onSubscriptionRestored(() => {
        replaySessionQueues();
        resyncFeeds();
        void resend();
      });
    }

    const transports: Transport[] = [];
    const app = createHttpApp({
      logger,
      registry: metrics.registry,
      readiness: () => ({
        broker: !aedes.closed,
        listeners: transports.length === 2 && transports.every((t) => t.isListening()),
        ...(redis && { redis: redis.isReady() }),
      }),
    });
    const http = await listen(app, config.BROKER_HTTP_PORT, host);
    closers.add('HTTP server', http.close);
    const metricsServer = await listenMetrics(metrics.registry, config.METRICS_PORT ?? 0, config.METRICS_HOST ?? '127.0.0.1', logger);
    closers.add('metrics server', metricsServer.close);

    const { tcp, ws } = await listenMqtt(aedes, config, refusals.refuse, closers);
    transports.push(tcp, ws);

    const sharedState = config.REDIS_URL
      ? `redis ${describeRedisUrl(config.REDIS_URL)}${config.REDIS_NAMESPACE ? `, namespace ${config.REDIS_NAMESPACE}` : ''}`
      : 'in memory';
    logger.info(
      {
        mqtt: `mqtt://${host}:${tcp.port}`,
        ws: `ws://${host}:${ws.port}${MQTT_WS_PATH}`,
        http: http.url,
        metrics: `${metricsServer.url}/metrics`,
        maxPayloadBytes: config.MAX_PAYLOAD_BYTES,
        sharedState,
        limits: limitsOf(config),
      },
      'broker listening',
    );
    return { tcpPort: tcp.port, wsPort: ws.port, httpPort: http.port, metricsPort: metricsServer.port, close: () => closers.closeAll() };
  } catch (err) {
    await closers.closeAll();
    throw err;
  }
}

/** Both MQTT listeners behind one admission (per-address count, packet-length guard, CONNECT deadline). */
async function listenMqtt(aedes: Aedes, config: BrokerSettings, refuse: RefuseFn, closers: CloserStack) {
  const admission = createAdmission({
    aedes,
    refuse,
    limits: {
      maxConnectBytes: config.MQTT_MAX_CONNECT_BYTES,
      maxPacketBytes: config.MAX_PAYLOAD_BYTES + config.MQTT_PACKET_OVERHEAD_BYTES,
      connectTimeoutMs: config.MQTT_CONNECT_TIMEOUT_MS,
      maxConnectionsPerAddress: config.MQTT_MAX_CONNECTIONS_PER_ADDRESS,
    },
  });
  const tcp = await listenTcp(admission, config.MQTT_PORT, config.HOST);
  closers.add('MQTT over TCP', tcp.close);
  const ws = await listenWebSocket(admission, {
    port: config.MQTT_WS_PORT,
    host: config.HOST,
    path: MQTT_WS_PATH,
    maxFrameBytes: Math.max(1024 * 1024, 4 * config.MAX_PAYLOAD_BYTES),
    trustProxyHops: config.TRUST_PROXY_HOPS,
    upgradeTimeoutMs: config.MQTT_CONNECT_TIMEOUT_MS,
  });
  closers.add('MQTT over WebSocket', ws.close);
  return { tcp, ws };
}

/** The abuse limits in force, for the start-up line. */
function limitsOf(config: BrokerSettings): Record<string, number> {
  return {
    maxConnectBytes: config.MQTT_MAX_CONNECT_BYTES,
    maxPacketBytes: config.MAX_PAYLOAD_BYTES + config.MQTT_PACKET_OVERHEAD_BYTES,
    connectTimeoutMs: config.MQTT_CONNECT_TIMEOUT_MS,
    maxConnectionsPerAddress: config.MQTT_MAX_CONNECTIONS_PER_ADDRESS,
    maxClientIdLength: config.MQTT_MAX_CLIENT_ID_LENGTH,
    maxConnectionsPerSubject: config.MQTT_MAX_CONNECTIONS_PER_SUBJECT,
    maxPersistentSessionsPerSubject: config.MQTT_MAX_PERSISTENT_SESSIONS_PER_SUBJECT,
    sessionExpirySeconds: config.MQTT_SESSION_EXPIRY_SECONDS,
    maxKeepaliveSeconds: config.MQTT_MAX_KEEPALIVE_SECONDS,
  };
}

/** Resolves when aedes has closed, or after timeoutMs (logged) so a dead Redis cannot hold the shutdown. */
function closeAedes(aedes: { close(cb: () => void): void }, timeoutMs: number | undefined, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            logger.warn({ timeoutMs }, 'aedes did not close in time (Redis unreachable?); closing the connections anyway');
            resolve();
          }, timeoutMs);
    aedes.close(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
