import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_METRICS_PORTS, DEFAULT_PORTS, withMongoDatabase } from '@orderpulse/service-kit';
import { freePort } from '@orderpulse/service-kit/testing';
import { logFileFromEnv } from './log-file.js';
import { nodeLaunch, type ServiceName } from './paths.js';
import { startServiceProcess, type ServiceProcess } from './service-process.js';

export interface SystemPorts {
  web: number;
  orders: number;
  delivery: number;
  notifier: number;
  /** mail-service's HTTP port (/unsubscribe); allocated even when it does not run. */
  mail: number;
  brokerHttp: number;
  mqtt: number;
  mqttWs: number;
  /** Each process's METRICS_PORT, where it serves /metrics (never on its public port). */
  metrics: Record<ServiceName, number>;
}

export interface SystemOptions {
  amqpUrl: string;
  /** Isolates exchanges and queues; empty for the real (un-prefixed) topology. */
  namespace: string;
  /** Defaults to a fresh random secret per system. */
  jwtSecret?: string;
  /** Where orders-service and delivery-service journal their stores (without `mongo`); defaults to a fresh temp dir. */
  dataDir?: string;
  /**
   * Keep orders and deliveries in MongoDB instead, each service in its own database:
   * `<databasePrefix>-orders` and `<databasePrefix>-delivery` on the server at `url`.
   */
  mongo?: { url: string; databasePrefix: string; maxPoolSize?: number };
  /**
   * Runs mail-service too (it runs only when this is given, or `services` names it), mailing
   * customers through the SMTP server at `smtpUrl`; without one it writes each mail to its log.
   * Its store follows the others' (`<databasePrefix>-mail` on MongoDB, else the journal).
   */
  mail?: { smtpUrl?: string };
  /** `'free'` picks free ports (tests); `'default'` uses DESIGN.md's ports (npm start). */
  ports: 'free' | 'default';
  services?: ServiceName[];
  logLevel?: string;
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  onLine?: (name: string, line: string) => void;
}

export interface RunningSystem {
  ports: SystemPorts;
  urls: {
    web: string;
    orders: string;
    delivery: string;
    notifier: string;
    mail: string;
    brokerHttp: string;
    mqtt: string;
    mqttWs: string;
    metrics: Record<ServiceName, string>;
  };
  /** The secret every process signs and checks tokens with; tests mint tokens with it. */
  jwtSecret: string;
  dataDir: string;
  /** The MongoDB URL of each service's database, when the system runs on MongoDB. */
  mongoUrls?: { orders: string; delivery: string; mail: string };
  processes: Map<ServiceName, ServiceProcess>;
  /** Starts a service again (after a stop or kill) with the same settings. */
  restart(name: ServiceName): Promise<ServiceProcess>;
  /**
   * Starts one more instance of a service on fresh ports, with the same settings plus `env`
   * (scale-out tests); it is stopped with the system. A broker's also has its MQTT URL.
   */
  addInstance(name: ScalableService, label: string, env?: Record<string, string>): Promise<AddedInstance>;
  stop(): Promise<void>;
}

async function allocatePorts(mode: 'free' | 'default'): Promise<SystemPorts> {
  if (mode === 'default') {
    return {
      web: DEFAULT_PORTS.WEB_PORT,
      orders: DEFAULT_PORTS.ORDERS_PORT,
      delivery: DEFAULT_PORTS.DELIVERY_PORT,
      notifier: DEFAULT_PORTS.NOTIFIER_PORT,
      mail: DEFAULT_PORTS.MAIL_PORT,
      brokerHttp: DEFAULT_PORTS.BROKER_HTTP_PORT,
      mqtt: DEFAULT_PORTS.MQTT_PORT,
      mqttWs: DEFAULT_PORTS.MQTT_WS_PORT,
      metrics: {
        web: DEFAULT_METRICS_PORTS['web-client'],
        orders: DEFAULT_METRICS_PORTS['orders-service'],
        delivery: DEFAULT_METRICS_PORTS['delivery-service'],
        notifier: DEFAULT_METRICS_PORTS['notifier-service'],
        broker: DEFAULT_METRICS_PORTS.broker,
        mail: DEFAULT_METRICS_PORTS['mail-service'],
      },
    };
  }
  return {
    web: await freePort(),
    orders: await freePort(),
    delivery: await freePort(),
    notifier: await freePort(),
    mail: await freePort(),
    brokerHttp: await freePort(),
    mqtt: await freePort(),
    mqttWs: await freePort(),
    metrics: {
      web: await freePort(),
      orders: await freePort(),
      delivery: await freePort(),
      notifier: await freePort(),
      broker: await freePort(),
      mail: await freePort(),
    },
  };
}

/** The services that run as several instances (behind one address, or sharing Redis), and the variable naming their HTTP port. */
const HTTP_PORT_VARIABLE = {
  orders: 'ORDERS_PORT',
  delivery: 'DELIVERY_PORT',
  notifier: 'NOTIFIER_PORT',
  web: 'WEB_PORT',
  broker: 'BROKER_HTTP_PORT',
} as const;
export type ScalableService = keyof typeof HTTP_PORT_VARIABLE;

export interface AddedInstance {
  process: ServiceProcess;
  /** Its HTTP address (a broker's: health and readiness). */
  url: string;
  metricsUrl: string;
  /** A broker's MQTT over TCP. */
  mqttUrl?: string;
}

const START_ORDER: ServiceName[] = ['broker', 'orders', 'delivery', 'notifier', 'mail', 'web'];

/** Broker, services and web-client as real child processes, in dependency order. */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const ports = await allocatePorts(options.ports);
  const host = '127.0.0.1';
  const urls = {
    web: `http://${host}:${ports.web}`,
    orders: `http://${host}:${ports.orders}`,
    delivery: `http://${host}:${ports.delivery}`,
    notifier: `http://${host}:${ports.notifier}`,
    mail: `http://${host}:${ports.mail}`,
    brokerHttp: `http://${host}:${ports.brokerHttp}`,
    mqtt: `mqtt://${host}:${ports.mqtt}`,
    mqttWs: `ws://${host}:${ports.mqttWs}/mqtt`,
    metrics: Object.fromEntries(Object.entries(ports.metrics).map(([name, port]) => [name, `http://${host}:${port}/metrics`])) as Record<ServiceName, string>,
  };
  const jwtSecret = options.jwtSecret ?? randomBytes(32).toString('base64url');
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'orderpulse-'));
  const mongoUrls = options.mongo && {
    orders: withMongoDatabase(options.mongo.url, `${options.mongo.databasePrefix}-orders`),
    delivery: withMongoDatabase(options.mongo.url, `${options.mongo.databasePrefix}-delivery`),
    mail: withMongoDatabase(options.mongo.url, `${options.mongo.databasePrefix}-mail`),
  };
  const poolSize = options.mongo?.maxPoolSize;
  const storeOf = (service: 'orders' | 'delivery' | 'mail'): Record<string, string> =>
    mongoUrls
      ? { MONGO_URL: mongoUrls[service], ...(poolSize ? { MONGO_MAX_POOL_SIZE: String(poolSize) } : {}) }
      : // Empty, not absent: the children inherit this process's environment, where the tests' MONGO_URL is set.
        { DATA_DIR: dataDir, MONGO_URL: '' };
  const common = {
    JWT_SECRET: jwtSecret,
    AMQP_URL: options.amqpUrl,
    AMQP_NAMESPACE: options.namespace,
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? options.logLevel ?? 'info',
    NODE_ENV: process.env.NODE_ENV === 'production' ? 'production' : 'development',
  };
  const settings: Record<ServiceName, { env: Record<string, string>; readyUrl: string }> = {
    broker: {
      env: { BROKER_HTTP_PORT: String(ports.brokerHttp), MQTT_PORT: String(ports.mqtt), MQTT_WS_PORT: String(ports.mqttWs) },
      readyUrl: `${urls.brokerHttp}/readyz`,
    },
    orders: { env: { ORDERS_PORT: String(ports.orders), ...storeOf('orders') }, readyUrl: `${urls.orders}/readyz` },
    delivery: {
      env: {
        DELIVERY_PORT: String(ports.delivery),
        ...storeOf('delivery'),
        MQTT_URL: urls.mqtt,
        MQTT_CLIENT_ID: `delivery-service-${options.namespace || 'main'}`,
      },
      readyUrl: `${urls.delivery}/readyz`,
    },
    notifier: {
      env: { NOTIFIER_PORT: String(ports.notifier), MQTT_URL: urls.mqtt, DELIVERY_URL: urls.delivery },
      readyUrl: `${urls.notifier}/readyz`,
    },
    mail: {
      env: {
        MAIL_PORT: String(ports.mail),
        ...storeOf('mail'),
        // Empty, not absent, when unset: never inherit an SMTP_URL from this process's environment by accident.
        SMTP_URL: options.mail?.smtpUrl ?? '',
        PUBLIC_WEB_URL: urls.web,
        PUBLIC_MAIL_URL: urls.mail,
      },
      readyUrl: `${urls.mail}/readyz`,
    },
    web: {
      env: { WEB_PORT: String(ports.web), MQTT_WS_URL: urls.mqttWs, ORDERS_URL: urls.orders, DELIVERY_URL: urls.delivery },
      readyUrl: `${urls.web}/healthz`,
    },
  };
  const toFile = logFileFromEnv(options.namespace);
  const onLine = toFile && options.onLine ? (name: string, line: string) => (toFile(name, line), options.onLine!(name, line)) : (toFile ?? options.onLine);
  const wanted = START_ORDER.filter((name) => (options.services ? options.services.includes(name) : name !== 'mail' || options.mail !== undefined));
  const processes = new Map<ServiceName, ServiceProcess>();

  const start = async (name: ServiceName) => {
    const process = await startServiceProcess({
      name,
      ...nodeLaunch(name),
      env: { ...common, METRICS_PORT: String(ports.metrics[name]), ...settings[name].env, ...(options.env?.[name] ?? {}) },
      readyUrl: settings[name].readyUrl,
      ...(onLine ? { onLine } : {}),
    });
    processes.set(name, process);
    return process;
  };
  const extraInstances: ServiceProcess[] = [];
  const addInstance = async (name: ScalableService, label: string, env: Record<string, string> = {}) => {
    const port = await freePort();
    const metricsPort = await freePort();
    const url = `http://${host}:${port}`;
    const mqttPort = name === 'broker' ? await freePort() : undefined;
    const brokerPorts: Record<string, string> = mqttPort === undefined ? {} : { MQTT_PORT: String(mqttPort), MQTT_WS_PORT: String(await freePort()) };
    const process = await startServiceProcess({
      name: label,
      ...nodeLaunch(name),
      env: {
        ...common,
        ...settings[name].env,
        ...(options.env?.[name] ?? {}),
        [HTTP_PORT_VARIABLE[name]]: String(port),
        METRICS_PORT: String(metricsPort),
        ...brokerPorts,
        ...env,
      },
      readyUrl: `${url}${name === 'web' ? '/healthz' : '/readyz'}`,
      ...(onLine ? { onLine } : {}),
    });
    extraInstances.push(process);
    return {
      process,
      url,
      metricsUrl: `http://${host}:${metricsPort}/metrics`,
      ...(mqttPort === undefined ? {} : { mqttUrl: `mqtt://${host}:${mqttPort}` }),
    };
  };
  const stop = async () => {
    for (const extra of extraInstances.reverse()) await extra.stop();
    for (const name of [...wanted].reverse()) await processes.get(name)?.stop();
  };

  try {
    for (const name of wanted) await start(name);
  } catch (err) {
    await stop();
    throw err;
  }
  return { ports, urls, jwtSecret, dataDir, ...(mongoUrls ? { mongoUrls } : {}), processes, restart: start, addInstance, stop };
}
