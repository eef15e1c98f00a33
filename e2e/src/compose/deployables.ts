import { relative } from 'node:path';
import { DEFAULT_METRICS_PORTS, DEFAULT_PORTS } from '@orderpulse/service-kit';
import { ENTRY_POINTS, NODE_ARGS, REPO_ROOT, type ServiceName } from '../harness/paths.js';

/** One process that ships as its own image and compose service. */
export interface Deployable {
  /** The compose service, the Dockerfile target and the workspace folder share this name. */
  name: string;
  /** The e2e harness's name for it. */
  harnessName: ServiceName;
  /** The compiled entry point, relative to the repository root (the harness runs the same file). */
  entry: string;
  /** Node options before the entry, in the harness and in the image's CMD (paths.ts NODE_ARGS). */
  nodeArgs: readonly string[];
  /** The env key of its HTTP port (/healthz, /readyz). */
  httpPortKey: keyof typeof DEFAULT_PORTS;
  /** Its METRICS_PORT (/metrics): reached over the compose network only, never published. */
  metricsPort: number;
  /** Every port it listens on, by env key (DESIGN.md's table): on the compose network only; the TLS proxy is what is published. */
  ports: Partial<Record<keyof typeof DEFAULT_PORTS, number>>;
  /** Built files it serves besides its code, relative to the repository root. */
  assets?: string[];
}

const entry = (name: ServiceName) => relative(REPO_ROOT, ENTRY_POINTS[name]).split('\\').join('/');

export const DEPLOYABLES: readonly Deployable[] = (
  [
    {
      name: 'broker',
      harnessName: 'broker',
      entry: entry('broker'),
      httpPortKey: 'BROKER_HTTP_PORT',
      metricsPort: DEFAULT_METRICS_PORTS.broker,
      ports: { BROKER_HTTP_PORT: DEFAULT_PORTS.BROKER_HTTP_PORT, MQTT_PORT: DEFAULT_PORTS.MQTT_PORT, MQTT_WS_PORT: DEFAULT_PORTS.MQTT_WS_PORT },
    },
    {
      name: 'orders-service',
      harnessName: 'orders',
      entry: entry('orders'),
      httpPortKey: 'ORDERS_PORT',
      metricsPort: DEFAULT_METRICS_PORTS['orders-service'],
      ports: { ORDERS_PORT: DEFAULT_PORTS.ORDERS_PORT },
    },
    {
      name: 'delivery-service',
      harnessName: 'delivery',
      entry: entry('delivery'),
      httpPortKey: 'DELIVERY_PORT',
      metricsPort: DEFAULT_METRICS_PORTS['delivery-service'],
      ports: { DELIVERY_PORT: DEFAULT_PORTS.DELIVERY_PORT },
    },
    {
      name: 'notifier-service',
      harnessName: 'notifier',
      entry: entry('notifier'),
      httpPortKey: 'NOTIFIER_PORT',
      metricsPort: DEFAULT_METRICS_PORTS['notifier-service'],
      ports: { NOTIFIER_PORT: DEFAULT_PORTS.NOTIFIER_PORT },
    },
    {
      name: 'mail-service',
      harnessName: 'mail',
      entry: entry('mail'),
      httpPortKey: 'MAIL_PORT',
      metricsPort: DEFAULT_METRICS_PORTS['mail-service'],
      ports: { MAIL_PORT: DEFAULT_PORTS.MAIL_PORT },
    },
    {
      name: 'web-client',
      harnessName: 'web',
      entry: entry('web'),
      httpPortKey: 'WEB_PORT',
      metricsPort: DEFAULT_METRICS_PORTS['web-client'],
      ports: { WEB_PORT: DEFAULT_PORTS.WEB_PORT },
      // `vite build` puts the browser apps there; the server refuses to start without them.
      assets: ['web-client/dist/public'],
    },
  ] satisfies Array<Omit<Deployable, 'nodeArgs'>>
).map((deployable) => ({ ...deployable, nodeArgs: NODE_ARGS[deployable.harnessName] }));

/** Third-party services compose runs beside them, and what each must publish (only the TLS proxy faces the outside). */
export const INFRASTRUCTURE = {
  rabbitmq: { image: /^rabbitmq:3\.13-management(\b|$)/, publishes: [15672], dataPath: '/var/lib/rabbitmq' },
  mongo: { image: /^mongo:7(\b|$)/, publishes: [] as number[], dataPath: '/data/db' },
  redis: { image: /^redis:7(\b|$)/, publishes: [] as number[], dataPath: '/data' },
  proxy: { image: /^caddy:2(\.|$)/, publishes: [80, 443], dataPath: '/data' },
} as const;

/** The paths deploy/Caddyfile routes, as the web-client must hand them to browsers. */
export const PUBLIC_PATHS = { MQTT_WS_URL: '/mqtt', ORDERS_URL: '/api/orders', DELIVERY_URL: '/api/delivery' } as const;

/** The path deploy/Caddyfile routes to mail-service, where the unsubscribe links in mails point. */
export const MAIL_PUBLIC_PATH = '/api/mail';

export type InfrastructureName = keyof typeof INFRASTRUCTURE;

/** Env keys whose values are secrets: they may only come from a required variable. */
export const SECRET_KEY = /(SECRET|PASSWORD|PASS|TOKEN|PRIVATE_KEY|API_KEY|CREDENTIALS)$/i;

/** Settings each deployable needs in compose, beyond its ports, NODE_ENV and HOST. */
export const REQUIRED_SETTINGS: Record<string, string[]> = {
  broker: ['JWT_SECRET'],
  'orders-service': ['JWT_SECRET', 'AMQP_URL', 'MONGO_URL', 'ADMIN_USERNAME', 'ADMIN_PASSWORD'],
  'delivery-service': ['JWT_SECRET', 'AMQP_URL', 'MONGO_URL', 'MQTT_URL'],
  'notifier-service': ['JWT_SECRET', 'AMQP_URL', 'MQTT_URL', 'DELIVERY_URL'],
  'mail-service': ['JWT_SECRET', 'AMQP_URL', 'MONGO_URL', 'SMTP_URL', 'PUBLIC_WEB_URL', 'PUBLIC_MAIL_URL'],
  'web-client': ['MQTT_WS_URL', 'ORDERS_URL', 'DELIVERY_URL'],
};
