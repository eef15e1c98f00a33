import { DEFAULT_PORTS, mongoDatabaseOf, redactMongoUrl, withMongoDatabase } from '@orderpulse/service-kit';
import { FERRETDB_CLIENT_POOL_SIZE, freePort } from '@orderpulse/service-kit/testing';
import { nodeLaunch } from '../harness/paths.js';
import { startServiceProcess, type ServiceProcess } from '../harness/service-process.js';
import { environmentOf, type ComposeDocument } from './compose-file.js';
import { startTlsProxy, type RunningTlsProxy } from '../tls/tls-proxy.js';
import { DEPLOYABLES, INFRASTRUCTURE, type Deployable } from './deployables.js';

/** Where the engines compose would run are reached instead, on this machine. */
export interface LocalEngines {
  amqpUrl: string;
  /** Isolates exchanges and queues (compose runs un-namespaced on its own RabbitMQ). */
  amqpNamespace: string;
  redisUrl: string;
  /** Isolates Redis keys and channels, for the same reason. */
  redisNamespace: string;
  /** The MongoDB standing in for compose's `mongo`; each database compose names gets the AMQP namespace as prefix. */
  mongoUrl: string;
}

export interface ComposeProcess {
  service: string;
  replica: number;
  process: ServiceProcess;
  httpUrl: string;
  env: Record<string, string>;
}

export interface ComposeAsProcesses {
  processes: ComposeProcess[];
  /** Each compose port (as published) and the free local port standing in for it. */
  ports: Map<number, number>;
  /** The `proxy` service: Caddy with deploy/Caddyfile and compose's TLS settings, in front of the processes. */
  proxy: RunningTlsProxy;
  /** What had to differ from the compose file, for the test log. */
  substitutions: string[];
  /** The MongoDB databases the services were given (the test drops them). */
  mongoDatabases: string[];
  stop(): Promise<void>;
}

/** Deployables in an order that respects their `depends_on` among each other. */
export function startOrder(document: ComposeDocument): Deployable[] {
  const names = new Set(DEPLOYABLES.map((d) => d.name));
  const ordered: Deployable[] = [];
  const visit = (deployable: Deployable, path: string[]) => {
    if (ordered.includes(deployable)) return;
    if (path.includes(deployable.name)) throw new Error(`depends_on cycle: ${[...path, deployable.name].join(' → ')}`);
    const dependsOn = document.services[deployable.name]?.depends_on ?? {};
    for (const dependency of Array.isArray(dependsOn) ? (dependsOn as string[]) : Object.keys(dependsOn)) {
      const other = DEPLOYABLES.find((d) => d.name === dependency);
      if (other && names.has(dependency)) visit(other, [...path, deployable.name]);
    }
    ordered.push(deployable);
  };
  for (const deployable of DEPLOYABLES) visit(deployable, []);
  return ordered;
}

/**
 * Rewrites one service's compose environment for this machine: container host names become
 * 127.0.0.1, every published port a free local one (in `*_PORT` values and inside URLs), and the
 * engines' URLs the local engines'. Everything else (NODE_ENV=production, secrets, timeouts) is
 * kept as compose passes it.
 */
export function localEnvironment(composeEnv: Record<string, string>, ports: Map<number, number>, engines: LocalEngines): Record<string, string> {
  const deployableHosts = DEPLOYABLES.map((d) => d.name).concat('localhost');
  const rewriteUrl = (value: string) => {
    let url = value;
    for (const host of deployableHosts)
      url = url.replace(new RegExp(`//${host}:(\\d+)`, 'g'), (_m, port: string) => `//127.0.0.1:${ports.get(Number(port)) ?? port}`);
    // The proxy's default ports, implicit in the URLs browsers get (`wss://localhost/mqtt`); it serves `localhost`, not 127.0.0.1.
    return url.replace(
      /^(https|wss|http|ws):\/\/localhost(?=\/|$)/,
      (_m, scheme: string) => `${scheme}://localhost:${ports.get(/s$/.test(scheme) ? 443 : 80)}`,
    );
  };
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(composeEnv)) {
    if (key === 'AMQP_URL') env[key] = engines.amqpUrl;
    else if (key === 'REDIS_URL') env[key] = engines.redisUrl;
    else if (key === 'MONGO_URL') {
      env[key] = withMongoDatabase(engines.mongoUrl, localMongoDatabase(engines, value));
      env.MONGO_MAX_POOL_SIZE ??= String(FERRETDB_CLIENT_POOL_SIZE);
    } else if (key === 'HOST' || key === 'METRICS_HOST') env[key] = '127.0.0.1';
    else if (/_PORT$/.test(key) && ports.has(Number(value))) env[key] = String(ports.get(Number(value)));
    else env[key] = rewriteUrl(value);
  }
  env.AMQP_NAMESPACE = engines.amqpNamespace;
  if (env.REDIS_URL) env.REDIS_NAMESPACE = engines.redisNamespace;
  return env;
}

/** The database compose names in `url`, prefixed so that test runs sharing one MongoDB never meet. */
export function localMongoDatabase(engines: Pick<LocalEngines, 'amqpNamespace'>, url: string): string {
  return `${engines.amqpNamespace}-${mongoDatabaseOf(url) || 'test'}`;
}

/**
 * docker-compose.yml run as local processes: each deployable's compiled entry point (the one its
 * image runs) with the environment compose gives it, in `depends_on` order, each considered
 * started once its health endpoint answers; `replicas` starts more of one service the way
 * `docker compose up --scale` would (each on its own HTTP port, as containers have their own).
 */
export async function startComposeAsProcesses(
  document: ComposeDocument,
  engines: LocalEngines,
  options: { replicas?: Record<string, number>; onLine?: (name: string, line: string) => void } = {},
): Promise<ComposeAsProcesses> {
  const ports = new Map<number, number>();
  for (const deployable of DEPLOYABLES) {
    for (const port of [...Object.values(deployable.ports), deployable.metricsPort])
      if (port !== undefined && !ports.has(port)) ports.set(port, await freePort());
  }
  for (const port of INFRASTRUCTURE.proxy.publishes) ports.set(port, await freePort());
  const mongoDatabases = new Set<string>();
  const substitutions = [
    `engines: AMQP ${engines.amqpUrl.replace(/\/\/[^@]*@/, '//')} (namespace ${engines.amqpNamespace}), Redis ${engines.redisUrl} (namespace ${engines.redisNamespace})`,
    `MongoDB ${redactMongoUrl(engines.mongoUrl)} with database names prefixed by ${engines.amqpNamespace}- and MONGO_MAX_POOL_SIZE=${FERRETDB_CLIENT_POOL_SIZE} (a FerretDB's bound)`,
    `ports: ${[...ports].map(([from, to]) => `${from}→${to}`).join(', ')}`,
    'proxy: Caddy with deploy/Caddyfile as compose runs it (localhost, TLS_MODE=auto: a certificate from Caddy’s own CA)',
  ];
  const processes: ComposeProcess[] = [];
  let proxy: RunningTlsProxy | undefined;
  const stop = async () => {
    await proxy?.process.stop();
    for (const running of [...processes].reverse()) await running.process.stop();
  };
  try {
    for (const deployable of startOrder(document)) {
      const composeEnv = environmentOf(document.services[deployable.name] ?? {});
      const base = localEnvironment(composeEnv, ports, engines);
      if (composeEnv.MONGO_URL) mongoDatabases.add(localMongoDatabase(engines, composeEnv.MONGO_URL));
      const replicas = options.replicas?.[deployable.name] ?? 1;
      for (let replica = 1; replica <= replicas; replica += 1) {
        const env = { ...base };
        if (replica > 1) {
          env[deployable.httpPortKey] = String(await freePort());
          env.METRICS_PORT = String(await freePort());
        }
        const httpUrl = `http://127.0.0.1:${env[deployable.httpPortKey]}`;
        const process = await startServiceProcess({
          name: replicas > 1 ? `${deployable.name}-${replica}` : deployable.name,
          ...nodeLaunch(deployable.harnessName),
          env,
          readyUrl: `${httpUrl}${deployable.name === 'web-client' ? '/healthz' : '/readyz'}`,
          ...(options.onLine ? { onLine: options.onLine } : {}),
        });
        processes.push({ service: deployable.name, replica, process, httpUrl, env });
      }
    }
    const proxyEnv = environmentOf(document.services.proxy ?? {});
    if (proxyEnv.SITE_ADDRESS !== 'localhost' || proxyEnv.TLS_MODE !== 'auto') {
      throw new Error(
        `the proxy runs here as compose runs it by default (SITE_ADDRESS=localhost, TLS_MODE=auto), not ${proxyEnv.SITE_ADDRESS}/${proxyEnv.TLS_MODE}`,
      );
    }
    const local = (port: number) => `127.0.0.1:${ports.get(port)}`;
    proxy = await startTlsProxy({
      ports: { origin: `https://localhost:${ports.get(443)}`, httpsPort: ports.get(443)!, httpPort: ports.get(80)!, healthPort: await freePort() },
      certificate: 'auto',
      upstreams: {
        web: local(DEFAULT_PORTS.WEB_PORT),
        orders: local(DEFAULT_PORTS.ORDERS_PORT),
        delivery: local(DEFAULT_PORTS.DELIVERY_PORT),
        mail: local(DEFAULT_PORTS.MAIL_PORT),
        brokerWs: local(DEFAULT_PORTS.MQTT_WS_PORT),
      },
      ...(options.onLine ? { onLine: options.onLine } : {}),
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { processes, ports, proxy, substitutions, mongoDatabases: [...mongoDatabases], stop };
}
