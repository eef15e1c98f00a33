import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, it, expect } from '@jest/globals';
import { topics } from '@orderpulse/contracts';
import {
  deleteAmqpNamespace,
  deleteRedisNamespace,
  dropMongoDatabases,
  redisTarget,
  testNamespace,
  uniqueRedisNamespace,
  waitFor,
} from '@orderpulse/service-kit/testing';
import { startSmtpSink, type SmtpSink } from '@orderpulse/service-kit/testing/smtp-sink';
import { describeIfAvailable, mongoTestTarget } from '@orderpulse/service-kit/testing/suites';
import { findComposeCli, loadCompose, startComposeAsProcesses, type ComposeAsProcesses, type ComposeProcess } from '../src/compose/index.js';
import { DeliveryClient, MqttRecorder, OrdersClient, REPO_ROOT } from '../src/harness/index.js';
import { caddyMissing, httpsRequest } from '../src/tls/index.js';

/**
 * No Docker engine runs here, so docker-compose.yml's topology runs as processes: every
 * deployable's built entry point with exactly the environment `compose config` gives it (production
 * mode, secrets from the env file, the other containers' URLs), only host names and published
 * ports mapped to this machine, RabbitMQ, Redis and MongoDB local (the tests' MongoDB, FerretDB
 * in CI: both services on it as compose deploys them), the notifier scaled to two as
 * `docker compose up --scale notifier-service=2` would, and the TLS proxy (Caddy with
 * deploy/Caddyfile, a localhost certificate from its own CA) in front; SMTP_URL points at an SMTP
 * server the test starts. Then a customer follows an order from the admin's PATCH and a rider's
 * report, over the wss:// URL the web-client hands browsers, and gets its mails with links through the proxy.
 */
const amqpUrl = process.env.AMQP_URL as string;
const redis = redisTarget();
const mongo = mongoTestTarget();
const composeCli = findComposeCli();
const missing = 'skipReason' in redis ? redis.skipReason : 'missing' in mongo ? mongo.missing : 'missing' in composeCli ? composeCli.missing : caddyMissing();

const QUEUES = ['notifier', 'delivery-service.orders', 'orders-service.delivery', 'mail-service'];

describeIfAvailable('docker-compose.yml run as processes (no Docker engine here)', missing, () => {
  const amqpNamespace = testNamespace('compose');
  const redisNamespace = uniqueRedisNamespace('compose');
  const secrets = {
    JWT_SECRET: randomBytes(32).toString('hex'),
    ADMIN_USERNAME: 'ops',
    ADMIN_PASSWORD: randomBytes(16).toString('hex'),
    RABBITMQ_PASSWORD: randomBytes(12).toString('hex'),
    SMTP_URL: '',
  };
  let topology: ComposeAsProcesses;
  let sink: SmtpSink;
  const only = (service: string): ComposeProcess => {
    const found = topology.processes.filter((p) => p.service === service);
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  beforeAll(async () => {
    if (!('cli' in composeCli)) throw new Error(composeCli.missing);
    sink = await startSmtpSink();
    secrets.SMTP_URL = sink.url;
    // Compose resolves the file as `docker compose up` would with these secrets in .env.
    const compose = loadCompose(composeCli.cli, { file: join(REPO_ROOT, 'docker-compose.yml'), envFile: join(REPO_ROOT, 'deploy/.env.example'), env: secrets });
    topology = await startComposeAsProcesses(
      compose.resolved,
      { amqpUrl, amqpNamespace, redisUrl: 'url' in redis ? redis.url : '', redisNamespace, mongoUrl: 'url' in mongo ? mongo.url : '' },
      { replicas: { 'notifier-service': 2 } },
    );
    process.stdout.write(`\n[compose-topology] ${topology.substitutions.join('; ')}\n`);
  }, 120_000);

  afterAll(async () => {
    await topology?.stop();
    await deleteAmqpNamespace(amqpUrl, amqpNamespace, QUEUES);
    if ('url' in redis) await deleteRedisNamespace(redis.url, redisNamespace);
    if ('url' in mongo && topology) await dropMongoDatabases(mongo.url, topology.mongoDatabases);
    await sink?.close();
  }, 60_000);

  it('then every deployable runs in production mode with the settings compose gives it, the notifier twice', () => {
    expect(topology.processes.map((p) => `${p.service}#${p.replica}`).sort()).toEqual([
      'broker#1',
      'delivery-service#1',
      'mail-service#1',
      'notifier-service#1',
      'notifier-service#2',
      'orders-service#1',
      'web-client#1',
    ]);
    for (const { env } of topology.processes) expect(env.NODE_ENV).toBe('production');
    expect(only('broker').env.REDIS_URL).toBeTruthy();
    expect(only('orders-service').env.ADMIN_USERNAME).toBe('ops');
    expect(only('delivery-service').env.MQTT_URL).toBe(`mqtt://127.0.0.1:${topology.ports.get(1884)}`);
    expect(only('mail-service').env.SMTP_URL).toBe(sink.url);
    // The services on MongoDB, each in the database compose gives it, no journal files.
    expect(topology.mongoDatabases.sort()).toEqual([
      `${amqpNamespace}-orderpulse-delivery`,
      `${amqpNamespace}-orderpulse-mail`,
      `${amqpNamespace}-orderpulse-orders`,
    ]);
    for (const service of ['orders-service', 'delivery-service', 'mail-service']) {
      expect(only(service).env.MONGO_URL).toMatch(/^mongodb:\/\//);
      expect(only(service).env.DATA_DIR).toBeUndefined();
    }
  });

  it('then browsers get the pages over https from the proxy, and URLs that reach the broker and the services through it', async () => {
    const { origin, caddyRoot } = topology.proxy;
    const page = await httpsRequest(`${origin}/track`, caddyRoot!, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html');
    const config = (await httpsRequest(`${origin}/config.json`, caddyRoot!)).json as Record<string, string | null>;
    // No map: compose passes MAP_TILE_URL empty unless .env sets it.
    expect(config).toEqual({
      mqttWsUrl: `wss://localhost:${topology.ports.get(443)}/mqtt`,
      ordersUrl: `${origin}/api/orders`,
      deliveryUrl: `${origin}/api/delivery`,
      map: null,
      customerPathAfterDelivery: false,
    });
    expect((await httpsRequest(`${config.ordersUrl!}/readyz`, caddyRoot!)).status).toBe(200);
    expect((await httpsRequest(`${config.deliveryUrl!}/readyz`, caddyRoot!)).status).toBe(200);
  });

  it('when an admin ships an order and a rider picks it up, then the customer sees both over the WebSocket', async () => {
    const browser = (await httpsRequest(`${topology.proxy.origin}/config.json`, topology.proxy.caddyRoot!)).json as Record<string, string>;
    const wsUrl = browser.mqttWsUrl!;
    expect(wsUrl).toMatch(/^wss:\/\//);
    const ordersUrl = only('orders-service').httpUrl;
    const login = await new OrdersClient(ordersUrl).logIn(secrets.ADMIN_USERNAME, secrets.ADMIN_PASSWORD);
    const orders = new OrdersClient(ordersUrl, login.token);
    const deliveries = new DeliveryClient(only('delivery-service').httpUrl, login.token);

    const created = await orders.createOrder();
    expect(created.status).toBe(201);
    const order = created.body;
    const customer = await MqttRecorder.connect(wsUrl, [topics.orderStatus(order.id), topics.orderTracking(order.id)], {
      ca: topology.proxy.caddyRoot!,
      clientId: `customer-${order.id.slice(0, 8)}`,
      username: 'customer',
      password: order.trackingToken,
    });
    const rider = (await deliveries.createRider({ name: 'Ada Compose' })).body;
    const riderToken = (await deliveries.riderToken(rider.id)).body.token;
    const riderClient = await MqttRecorder.connect(`mqtt://127.0.0.1:${topology.ports.get(1884)}`, [], {
      clientId: `rider-${rider.id}`.slice(0, 60),
      username: 'rider',
      password: riderToken,
    });
    try {
      for (const status of ['confirmed', 'processing', 'shipped'] as const) {
        expect((await orders.changeStatus(order.id, status === 'shipped' ? { status, trackingNumber: 'TRK-C1' } : { status })).status).toBe(200);
      }
      await customer.waitFor((ms) => ms.find((m) => m.topic === topics.orderStatus(order.id) && m.payload.status === 'shipped'), 'shipped on the status topic');
      const delivery = await waitFor(() => deliveries.deliveryOf(order.id), 'the delivery created from the shipped event');
      expect((await deliveries.assign(delivery.id, rider.id)).status).toBe(200);
      await customer.waitFor((ms) => ms.find((m) => m.topic === topics.orderTracking(order.id) && m.payload.status === 'assigned'), 'tracking: assigned');

      await riderClient.client.publishAsync(
        topics.riderDeliveryStatus(rider.id, delivery.id),
        JSON.stringify({ status: 'picked_up', at: new Date().toISOString(), lat: 51.45, lng: -2.59 }),
        { qos: 1 },
      );
      await customer.waitFor((ms) => ms.find((m) => m.topic === topics.orderTracking(order.id) && m.payload.status === 'picked_up'), 'tracking: picked_up');
      const outForDelivery = await customer.waitFor(
        (ms) => ms.find((m) => m.topic === topics.orderStatus(order.id) && m.payload.status === 'out_for_delivery'),
        'status: out_for_delivery',
      );
      expect(outForDelivery.payload.version).toBe(5);

      // The customer's mails: their links are the proxy's https URLs, and the unsubscribe link answers through it.
      const mails = await sink.waitForMails(2, (m) => m.subject.includes(order.orderNumber), 20_000);
      expect(mails.map((m) => m.subject)).toEqual([`We have your order ${order.orderNumber}`, `Order ${order.orderNumber} is out for delivery`]);
      expect(mails[0]!.text).toContain(`Track your order: ${topology.proxy.origin}/track/${order.id}?t=`);
      const unsubscribe = /No more emails about this order: (\S+)/.exec(mails[0]!.text)![1]!;
      expect(unsubscribe.startsWith(`${topology.proxy.origin}/api/mail/unsubscribe?t=`)).toBe(true);
      const page = await httpsRequest(unsubscribe, topology.proxy.caddyRoot!, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(page.text).toContain(`Stop emails about order ${order.orderNumber}?`);
    } finally {
      await customer.close();
      await riderClient.close();
    }
  }, 60_000);
});
