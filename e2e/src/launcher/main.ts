import { createAmqpConnection, createLogger, DependencyUnavailableError } from '@orderpulse/service-kit';
import { startSystem, type RunningSystem } from '../harness/system.js';
import { createLinePrinter } from './pretty-lines.js';
import { seedDemoOrders, type SeededOrder } from './seed.js';

/** `npm start`: the whole system as child processes with readable logs, seeded with demo orders. */
async function main(): Promise<void> {
  const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  await assertRabbitMqReachable(amqpUrl);

  const printLine = createLinePrinter(['broker', 'orders', 'notifier', 'web'], process.stdout.isTTY === true);
  let system: RunningSystem | undefined;
  const stop = async (code: number) => {
    await system?.stop();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  try {
    system = await startSystem({
      amqpUrl,
      namespace: process.env.AMQP_NAMESPACE ?? '',
      ports: 'default',
      logLevel: process.env.LOG_LEVEL ?? 'info',
      onLine: printLine,
    });
  } catch (err) {
    process.stderr.write(`orderpulse could not start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  for (const child of system.processes.values()) {
    void child.exited.then((code) => {
      process.stderr.write(`${child.name} exited (code ${code}); stopping the rest\n`);
      void stop(1);
    });
  }

  const seeded = await seedDemoOrders(system.urls.orders);
  printWelcome(system, seeded);
}

async function assertRabbitMqReachable(url: string): Promise<void> {
  const connection = createAmqpConnection({ url, logger: createLogger('launcher', 'silent'), name: 'orderpulse-launcher' });
  try {
    await connection.waitUntilConnected(3_000);
  } catch (err) {
    process.stderr.write(`${err instanceof DependencyUnavailableError ? err.message : String(err)}\n`);
    process.exit(1);
  } finally {
    await connection.close();
  }
}

function printWelcome(system: RunningSystem, seeded: SeededOrder[]): void {
  const { urls } = system;
  const link = (order: SeededOrder) =>
    `${urls.web}/track/${order.id}${order.trackingToken ? `?t=${order.trackingToken}` : ''}`;
  const lines = [
    '',
    'orderpulse is running',
    `  orders API        ${urls.orders}   (try: curl ${urls.orders}/orders)`,
    `  MQTT (TCP)        ${urls.mqtt}`,
    `  MQTT (WebSocket)  ${urls.mqttWs}`,
    '  customer tracking pages for the demo orders:',
    ...seeded.map((o) => `    ${o.orderNumber} (${o.status.padEnd(10)}) ${link(o)}`),
    '  change one and watch its page update:',
    `    curl -X PATCH ${urls.orders}/orders/${seeded[0]?.id}/status -H 'content-type: application/json' -d '{"status":"confirmed"}'`,
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

void main();
