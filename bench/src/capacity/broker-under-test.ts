/** The one broker process the capacity bench loads: started alone on free ports, killed and started again. */
import { readdirSync } from 'node:fs';
import mqtt from 'mqtt';
import { createTokenService } from '@orderpulse/service-kit';
import { freePort } from '@orderpulse/service-kit/testing';
import { nodeLaunch, startServiceProcess, type ServiceProcess } from '@orderpulse/e2e/harness';
import { nowMs } from '../lib/index.js';
import { profileEnvFor } from '../system/profiling.js';
import { mapLimit } from '../system/settings.js';

export interface BrokerUnderTest {
  /** MQTT over WebSocket, as browsers reach it. */
  wsUrl: string;
  /** MQTT over TCP, for the service client that publishes retained messages. */
  mqttUrl: string;
  jwtSecret: string;
  pid(): number;
  /** SIGKILL, then the same command on the same ports at once; resolves when it is ready again. */
  killAndRestart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startBrokerUnderTest(jwtSecret: string): Promise<BrokerUnderTest> {
  const ports = { mqtt: await freePort(), ws: await freePort(), http: await freePort() };
  const env = {
    JWT_SECRET: jwtSecret,
    MQTT_PORT: String(ports.mqtt),
    MQTT_WS_PORT: String(ports.ws),
    BROKER_HTTP_PORT: String(ports.http),
    // Not scraped here: any free port, so it never collides with another broker's.
    METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
    ...profileEnvFor('broker'),
  };
  const start = () =>
    startServiceProcess({
      name: 'broker',
      ...nodeLaunch('broker'),
      env,
      readyUrl: `http://127.0.0.1:${ports.http}/readyz`,
      startTimeoutMs: 30_000,
    });
  let broker: ServiceProcess = await start();
  return {
    wsUrl: `ws://127.0.0.1:${ports.ws}/mqtt`,
    mqttUrl: `mqtt://127.0.0.1:${ports.mqtt}`,
    jwtSecret,
    pid: () => broker.child.pid!,
    killAndRestart: async () => {
      await broker.stop('SIGKILL');
      broker = await start();
    },
    stop: async () => {
      await broker.stop();
    },
  };
}

export /** Publishes a retained status message on each topic, as the notifier (service token) does. */
async function publishRetained(mqttUrl: string, jwtSecret: string, orderIds: string[]): Promise<number> {
  const token = await createTokenService(jwtSecret).sign({ role: 'service', sub: 'notifier' }, 3_600);
  const client = await mqtt.connectAsync(mqttUrl, {
    username: 'service',
    password: token,
    clientId: `bench-notifier-${process.pid}`,
    reconnectPeriod: 500,
    connectTimeout: 30_000,
  });
  const started = nowMs();
  try {
    await mapLimit(orderIds, 500, (orderId, i) =>
      client.publishAsync(
        `orders/${orderId}/status`,
        JSON.stringify({
          orderId,
          orderNumber: `OP-${String(i).padStart(6, '0')}`,
          status: 'confirmed',
          trackingNumber: null,
          version: 2,
          updatedAt: new Date().toISOString(),
        }),
        { qos: 1, retain: true },
      ),
    );
  } finally {
    await client.endAsync();
  }
  return nowMs() - started;
}

export function openFiles(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return NaN;
  }
}
