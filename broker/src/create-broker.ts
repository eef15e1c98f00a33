import { createHttpApp, createMetricsRegistry, createTokenService, listen, listenMetrics, type Logger } from '@orderpulse/service-kit';
import { createAuthHooks } from './auth/index.js';
import { MQTT_WS_PATH, type BrokerConfig } from './config.js';
import { createAedes } from './create-aedes.js';
import { createBrokerMetrics, registerConnectedClientsGauge } from './metrics.js';
import { connectRedisState, describeRedisUrl, type RedisState } from './redis-state.js';
import { listenTcp } from './transports/tcp.js';
import type { Transport } from './transports/transport.js';
import { listenWebSocket } from './transports/websocket.js';

export type BrokerSettings = Pick<BrokerConfig, 'HOST' | 'MQTT_PORT' | 'MQTT_WS_PORT' | 'BROKER_HTTP_PORT' | 'MAX_PAYLOAD_BYTES' | 'JWT_SECRET'> &
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
 * closed in the reverse of their start order, also when a later part fails to start.
 * With REDIS_URL, subscriptions, messages, retained messages and persistent sessions are shared
 * with every broker using the same Redis (and REDIS_NAMESPACE).
 */
export async function createBroker(config: BrokerSettings, logger: Logger): Promise<RunningBroker> {
  const host = config.HOST;
  const started: Array<() => Promise<void>> = [];
  const closeStarted = async () => {
    for (const close of started.reverse()) await close();
  };
  try {
    const metrics = createBrokerMetrics(createMetricsRegistry('broker'));
    const tokens = createTokenService(config.JWT_SECRET);
    const hooks = createAuthHooks({
      logger,
      maxPayloadBytes: config.MAX_PAYLOAD_BYTES,
      verifyToken: tokens.verify,
      onRefused: (reason) => metrics.refused.inc({ reason }),
      onTokenExpired: () => metrics.tokenExpiredDisconnects.inc(),
    });
    let redis: RedisState | undefined;
    if (config.REDIS_URL) {
      redis = await connectRedisState({ url: config.REDIS_URL, namespace: config.REDIS_NAMESPACE ?? '', logger });
      started.push(redis.close);
    }
    const aedes = await createAedes({ hooks, logger, metrics, ...(redis && { shared: redis }) });
    started.push(() => closeAedes(aedes, redis && (redis.isReady() ? SHARED_CLOSE_TIMEOUT_MS : SHARED_CLOSE_TIMEOUT_REDIS_DOWN_MS), logger));
    registerConnectedClientsGauge(metrics.registry, () => aedes.connectedClients);

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
    started.push(http.close);
    const metricsServer = await listenMetrics(metrics.registry, config.METRICS_PORT ?? 0, config.METRICS_HOST ?? '127.0.0.1', logger);
    started.push(metricsServer.close);

    const tcp = await listenTcp(aedes, config.MQTT_PORT, host);
    started.push(tcp.close);
    const ws = await listenWebSocket(aedes, {
      port: config.MQTT_WS_PORT,
      host,
      path: MQTT_WS_PATH,
      maxFrameBytes: Math.max(1024 * 1024, 4 * config.MAX_PAYLOAD_BYTES),
    });
    started.push(ws.close);
    transports.push(tcp, ws);

    const sharedState = config.REDIS_URL ? `redis ${describeRedisUrl(config.REDIS_URL)}${config.REDIS_NAMESPACE ? `, namespace ${config.REDIS_NAMESPACE}` : ''}` : 'in memory';
    logger.info(
      { mqtt: `mqtt://${host}:${tcp.port}`, ws: `ws://${host}:${ws.port}${MQTT_WS_PATH}`, http: http.url, metrics: `${metricsServer.url}/metrics`, maxPayloadBytes: config.MAX_PAYLOAD_BYTES, sharedState },
      'broker listening',
    );
    let closing: Promise<void> | undefined;
    return { tcpPort: tcp.port, wsPort: ws.port, httpPort: http.port, metricsPort: metricsServer.port, close: () => (closing ??= closeStarted()) };
  } catch (err) {
    await closeStarted();
    throw err;
  }
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
