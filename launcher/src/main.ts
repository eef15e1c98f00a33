import { join } from 'node:path';
import { createAmqpConnection, createLogger, DependencyUnavailableError, DEV_JWT_SECRET, mongoDatabaseOf, redactMongoUrl } from '@orderpulse/service-kit';
import { DeliveryClient, OrdersClient, REPO_ROOT, startSystem, type RunningSystem } from '@orderpulse/e2e/harness';
import { createLinePrinter } from './pretty-lines.js';
import { demoOrders, type DemoOrder } from './demo-orders.js';
import { seedDemoRiders, type SeededRider } from './seed.js';

/** `npm start`: the whole system as child processes with readable logs, seeded with demo data. */
async function main(): Promise<void> {
  const env = process.env;
  const amqpUrl = env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  await assertRabbitMqReachable(amqpUrl);

  const printLine = createLinePrinter(['broker', 'orders', 'delivery', 'notifier', 'mail', 'web'], process.stdout.isTTY === true);
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
      namespace: env.AMQP_NAMESPACE ?? '',
      ports: 'default',
      jwtSecret: env.JWT_SECRET ?? DEV_JWT_SECRET,
      dataDir: env.DATA_DIR ?? join(REPO_ROOT, '.data'),
      ...(env.MONGO_URL ? { mongo: { url: env.MONGO_URL, databasePrefix: mongoDatabaseOf(env.MONGO_URL) || 'orderpulse' } } : {}),
      // mail-service always runs: with SMTP_URL it sends the customers' mails there, without it each mail is written to its log.
      mail: env.SMTP_URL ? { smtpUrl: env.SMTP_URL } : {},
      logLevel: env.LOG_LEVEL ?? 'info',
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

  const login = await new OrdersClient(system.urls.orders).logIn(env.ADMIN_USERNAME ?? 'admin', env.ADMIN_PASSWORD ?? 'change-me');
  const orders = await demoOrders(new OrdersClient(system.urls.orders, login.token));
  const riders = await seedDemoRiders(new DeliveryClient(system.urls.delivery, login.token));
  const hasAdminConsole = (await fetch(`${system.urls.web}/admin`)).status === 200;
  printWelcome(system, orders, riders, hasAdminConsole);
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

function printWelcome(system: RunningSystem, orders: DemoOrder[], riders: SeededRider[], hasAdminConsole: boolean): void {
  const { urls } = system;
  const lines = [
    '',
    'orderpulse is running',
    ...(hasAdminConsole ? [`  admin console     ${urls.web}/admin   (admin / the ADMIN_PASSWORD, default change-me)`] : []),
    `  orders API        ${urls.orders}`,
    `  delivery API      ${urls.delivery}`,
    `  MQTT              ${urls.mqtt}  and  ${urls.mqttWs}`,
    process.env.SMTP_URL
      ? '  customer mails    sent through the SMTP server at SMTP_URL'
      : '  customer mails    written to the mail log lines (set SMTP_URL=smtp://host:port to send them)',
    '  customer tracking pages:',
    ...orders.map((o) => `    ${o.orderNumber} (${o.status.padEnd(16)}) ${urls.web}/track/${o.id}?t=${o.trackingToken}`),
    '  rider apps:',
    ...riders.map((r) => `    ${r.name.padEnd(16)} ${urls.web}/rider?t=${r.token}`),
    system.mongoUrls
      ? `Data is kept in MongoDB: ${redactMongoUrl(system.mongoUrls.orders)}, ${redactMongoUrl(system.mongoUrls.delivery)} and ${redactMongoUrl(system.mongoUrls.mail)}. Ctrl-C stops everything.`
      : `Data is kept in ${system.dataDir} (delete it to start over). Ctrl-C stops everything.`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

void main();
