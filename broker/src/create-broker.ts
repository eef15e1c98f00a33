import { createHttpApp, createMetricsRegistry, createTokenService, listen, type Logger } from '@orderpulse/service-kit';
import { createAuthHooks } from './auth/index.js';
import { MQTT_WS_PATH, type BrokerConfig } from './config.js';
import { createAedes } from './create-aedes.js';
import { createBrokerMetrics, registerConnectedClientsGauge } from './metrics.js';
import { listenTcp } from './transports/tcp.js';
import type { Transport } from './transports/transport.js';
import { listenWebSocket } from './transports/websocket.js';

export type BrokerSettings = Pick<BrokerConfig, 'HOST' | 'MQTT_PORT' | 'MQTT_WS_PORT' | 'BROKER_HTTP_PORT' | 'MAX_PAYLOAD_BYTES' | 'JWT_SECRET'>;

export interface RunningBroker {
  tcpPort: number;
  wsPort: number;
  httpPort: number;
  /** Stops accepting, disconnects every client, closes the servers. */
  close(): Promise<void>;
}

/**
 * Aedes over TCP and WebSocket plus its health/metrics HTTP server; ports may be 0. Parts are
 * closed in the reverse of their start order, also when a later part fails to start.
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
    });
    const aedes = await createAedes({ hooks, logger, metrics });
    started.push(() => new Promise((resolve) => aedes.close(() => resolve())));
    registerConnectedClientsGauge(metrics.registry, () => aedes.connectedClients);

    const transports: Transport[] = [];
    const app = createHttpApp({
      logger,
      registry: metrics.registry,
      readiness: () => ({ broker: !aedes.closed, listeners: transports.length === 2 && transports.every((t) => t.isListening()) }),
    });
    const http = await listen(app, config.BROKER_HTTP_PORT, host);
    started.push(http.close);

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

    logger.info(
      { mqtt: `mqtt://${host}:${tcp.port}`, ws: `ws://${host}:${ws.port}${MQTT_WS_PATH}`, http: http.url, maxPayloadBytes: config.MAX_PAYLOAD_BYTES },
      'broker listening',
    );
    let closing: Promise<void> | undefined;
    return { tcpPort: tcp.port, wsPort: ws.port, httpPort: http.port, close: () => (closing ??= closeStarted()) };
  } catch (err) {
    await closeStarted();
    throw err;
  }
}
