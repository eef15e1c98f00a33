import { DEFAULT_PORTS } from '@orderpulse/service-kit';
import {
  dependenciesOf,
  environmentOf,
  healthcheckTest,
  portsOf,
  volumesOf,
  type ComposeDocument,
  type ComposeService,
  type LoadedCompose,
} from './compose-file.js';
import { DEPLOYABLES, INFRASTRUCTURE, MAIL_PUBLIC_PATH, PUBLIC_PATHS, REQUIRED_SETTINGS, SECRET_KEY, type InfrastructureName } from './deployables.js';

/** Tells whether a service's image (as built from its Dockerfile target) has a HEALTHCHECK. */
export type ImageHealthcheck = (service: string) => boolean;

const servicesOf = (document: ComposeDocument) => Object.entries(document.services);

export function checkServicesPresent(document: ComposeDocument): string[] {
  const problems: string[] = [];
  for (const { name } of DEPLOYABLES) if (!document.services[name]) problems.push(`no service ${name}`);
  for (const [name, spec] of Object.entries(INFRASTRUCTURE)) {
    const service = document.services[name];
    if (!service) problems.push(`no service ${name}`);
    else if (!spec.image.test(service.image ?? '')) problems.push(`${name} runs image ${service.image ?? '(none)'}, expected ${spec.image.source}`);
  }
  return problems;
}

export function checkHealthchecks(document: ComposeDocument, imageHealthcheck: ImageHealthcheck): string[] {
  const problems: string[] = [];
  for (const [name, service] of servicesOf(document)) {
    const test = healthcheckTest(service);
    if (!test && !imageHealthcheck(name)) problems.push(`${name} has no healthcheck (neither in compose nor in its image)`);
    if (service.healthcheck?.disable) problems.push(`${name} disables its healthcheck`);
  }
  const expected: Record<InfrastructureName, RegExp> = {
    rabbitmq: /rabbitmq-diagnostics.*\bping\b/,
    mongo: /mongosh.*\bping\b/,
    redis: /redis-cli.*\bping\b/,
    proxy: /wget.*\/healthz/,
  };
  for (const [name, pattern] of Object.entries(expected)) {
    const service = document.services[name];
    const test = service && healthcheckTest(service);
    if (service && !(test && pattern.test(test.join(' ')))) problems.push(`${name}'s healthcheck should match ${pattern.source}, got ${JSON.stringify(test)}`);
  }
  return problems;
}

/** Compose service names a service's settings point at (`amqp://…@rabbitmq:5672`, `mqtt://broker:1884`, …). */
export function referencedServices(document: ComposeDocument, name: string): string[] {
  const service = document.services[name] as ComposeService;
  const hosts = new Set<string>();
  for (const value of Object.values(environmentOf(service))) {
    for (const match of value.matchAll(/[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s]*@)?([A-Za-z0-9_.-]+)/g)) {
      const host = match[1] as string;
      if (host !== name && document.services[host]) hosts.add(host);
    }
  }
  return [...hosts].sort();
}

export function checkDependsOn(document: ComposeDocument, imageHealthcheck: ImageHealthcheck): string[] {
  const problems: string[] = [];
  for (const [name, service] of servicesOf(document)) {
    const dependencies = dependenciesOf(service);
    // A dependency that is not a service is compose's own error (`config` refuses the file).
    for (const dependency of dependencies) {
      const target = document.services[dependency.name];
      if (target && !healthcheckTest(target) && !imageHealthcheck(dependency.name))
        problems.push(`${name} waits for ${dependency.name}, which has no healthcheck`);
      if (dependency.condition !== 'service_healthy') {
        problems.push(`${name} depends on ${dependency.name} with ${dependency.condition ?? 'no condition'}; expected condition: service_healthy`);
      }
    }
    const waitedFor = new Set(dependencies.map((dependency) => dependency.name));
    for (const host of referencedServices(document, name)) {
      if (!waitedFor.has(host)) problems.push(`${name} talks to ${host} but does not depend on it (condition: service_healthy)`);
    }
  }
  return problems;
}

export function checkRestartPolicies(document: ComposeDocument): string[] {
  return servicesOf(document)
    .filter(([, service]) => !['always', 'unless-stopped', 'on-failure'].includes((service.restart ?? '').split(':')[0] as string))
    .map(([name, service]) => `${name} has restart: ${service.restart ?? '(none)'}; expected unless-stopped, always or on-failure`);
}

/**
 * Only the TLS proxy faces the outside (80, 443), and RabbitMQ its management UI on 127.0.0.1; the
 * deployables listen on DESIGN.md's ports inside the compose network and publish nothing.
 */
export function checkPorts(document: ComposeDocument): string[] {
  const problems: string[] = [];
  const expectations: Array<[string, number[]]> = [
    ...DEPLOYABLES.map((deployable): [string, number[]] => [deployable.name, []]),
    ...Object.entries(INFRASTRUCTURE).map(([name, spec]): [string, number[]] => [name, [...spec.publishes]]),
  ];
  for (const [name, expected] of expectations) {
    const service = document.services[name];
    if (!service) continue;
    const ports = portsOf(service);
    const targets = ports.map((port) => port.target).sort((a, b) => a - b);
    if (JSON.stringify(targets) !== JSON.stringify([...expected].sort((a, b) => a - b))) {
      problems.push(`${name} publishes ${JSON.stringify(targets)}, expected ${JSON.stringify(expected)}`);
    }
    for (const port of ports) {
      if (port.published !== port.target)
        problems.push(`${name} publishes container port ${port.target} as ${port.published ?? 'a random port'}; expected the same number`);
    }
  }
  for (const deployable of DEPLOYABLES) {
    const env = environmentOf(document.services[deployable.name] ?? {});
    const metricsPort = Number(env.METRICS_PORT ?? deployable.metricsPort);
    if (portsOf(document.services[deployable.name] ?? {}).some((port) => port.target === metricsPort))
      problems.push(`${deployable.name} publishes its METRICS_PORT ${metricsPort}`);
    if (env.METRICS_PORT !== String(deployable.metricsPort))
      problems.push(`${deployable.name} sets METRICS_PORT=${env.METRICS_PORT ?? '(unset)'}, expected ${deployable.metricsPort}`);
    for (const [key, port] of Object.entries(deployable.ports)) {
      if (env[key] !== undefined && env[key] !== String(port)) problems.push(`${deployable.name} sets ${key}=${env[key]}, but DESIGN.md's port is ${port}`);
    }
  }
  const seen = new Map<string, string>();
  for (const [name, service] of servicesOf(document)) {
    for (const port of portsOf(service)) {
      const key = `${port.hostIp ?? '*'}:${port.published}`;
      if (port.published !== undefined && seen.has(key)) problems.push(`host port ${port.published} is published by both ${seen.get(key)} and ${name}`);
      seen.set(key, name);
    }
  }
  return problems;
}

function parseUrl(value: string | undefined): URL | undefined {
  try {
    return value ? new URL(value) : undefined;
  } catch {
    return undefined;
  }
}

/** Every deployable gets what its config reads: production, 0.0.0.0, and URLs that reach the right containers. */
export function checkEnvironment(compose: LoadedCompose): string[] {
  const problems: string[] = [];
  const { resolved } = compose;
  const envOf = (name: string) => environmentOf(resolved.services[name] ?? {});
  for (const deployable of DEPLOYABLES) {
    const env = envOf(deployable.name);
    const say = (problem: string) => problems.push(`${deployable.name}: ${problem}`);
    if (env.NODE_ENV !== 'production') say(`NODE_ENV=${env.NODE_ENV ?? '(unset)'}, expected production`);
    if (env.HOST !== '0.0.0.0') say(`HOST=${env.HOST ?? '(unset)'}: the services listen on 127.0.0.1 unless told 0.0.0.0`);
    for (const key of REQUIRED_SETTINGS[deployable.name] ?? []) if (!env[key]) say(`${key} is not set`);

    const amqp = parseUrl(env.AMQP_URL);
    if (env.AMQP_URL && !(amqp?.protocol === 'amqp:' && amqp.hostname === 'rabbitmq')) say(`AMQP_URL ${env.AMQP_URL} does not point at the rabbitmq service`);
    const mqtt = parseUrl(env.MQTT_URL);
    if (env.MQTT_URL && !(mqtt?.protocol === 'mqtt:' && mqtt.hostname === 'broker' && mqtt.port === String(DEFAULT_PORTS.MQTT_PORT))) {
      say(`MQTT_URL ${env.MQTT_URL} is not mqtt://broker:${DEFAULT_PORTS.MQTT_PORT}`);
    }
    const mongo = parseUrl(env.MONGO_URL);
    if (env.MONGO_URL && !(mongo?.protocol === 'mongodb:' && mongo.hostname === 'mongo' && mongo.pathname.length > 1)) {
      say(`MONGO_URL ${env.MONGO_URL} is not mongodb://mongo:27017/<its own database>`);
    }
  }

  const databases = DEPLOYABLES.flatMap(({ name }) => (envOf(name).MONGO_URL ? [[name, parseUrl(envOf(name).MONGO_URL)?.pathname] as const] : []));
  for (const [name, database] of databases) {
    const sharing = databases.filter(([other, otherDatabase]) => other !== name && otherDatabase === database).map(([other]) => other);
    if (sharing.length) problems.push(`${name} shares its MongoDB database ${database} with ${sharing.join(', ')}`);
  }

  const notifierDelivery = parseUrl(envOf('notifier-service').DELIVERY_URL);
  if (!(notifierDelivery?.hostname === 'delivery-service' && notifierDelivery.port === String(DEFAULT_PORTS.DELIVERY_PORT))) {
    problems.push(`notifier-service: DELIVERY_URL ${envOf('notifier-service').DELIVERY_URL} is not http://delivery-service:${DEFAULT_PORTS.DELIVERY_PORT}`);
  }

  // The web-client hands these to browsers, which cannot resolve compose service names and reach
  // everything through the TLS proxy: wss and https on its one host, on the paths it routes.
  const web = envOf('web-client');
  const hosts = new Set<string>();
  for (const [key, path] of Object.entries(PUBLIC_PATHS)) {
    const url = parseUrl(web[key]);
    const protocol = key === 'MQTT_WS_URL' ? 'wss:' : 'https:';
    if (!url || url.protocol !== protocol || url.pathname !== path || url.port !== '') {
      problems.push(`web-client: ${key} ${web[key]} is not ${protocol}//<public host>${path} (through the TLS proxy)`);
      continue;
    }
    if (resolved.services[url.hostname])
      problems.push(`web-client: ${key} names the container ${url.hostname}; give it as the browser reaches it (e.g. localhost)`);
    hosts.add(url.hostname);
  }
  if (hosts.size > 1) problems.push(`web-client: the browser URLs name several hosts (${[...hosts].join(', ')}); the proxy serves one`);
  if (envOf('orders-service').TRUST_PROXY_HOPS !== '1') {
    problems.push('orders-service: TRUST_PROXY_HOPS is not 1: behind the proxy every client would be one address to the login and lookup limits');
  }
  // The links in customers' mails are opened by their browsers: the proxy's host, like the web-client's URLs.
  const mail = envOf('mail-service');
  const webLink = parseUrl(mail.PUBLIC_WEB_URL);
  const mailLink = parseUrl(mail.PUBLIC_MAIL_URL);
  if (!(webLink?.protocol === 'https:' && hosts.has(webLink.hostname) && webLink.pathname === '/' && webLink.port === '')) {
    problems.push(`mail-service: PUBLIC_WEB_URL ${mail.PUBLIC_WEB_URL} is not https://<the host the web-client hands browsers>`);
  }
  if (!(mailLink?.protocol === 'https:' && hosts.has(mailLink.hostname) && mailLink.pathname === MAIL_PUBLIC_PATH && mailLink.port === '')) {
    problems.push(`mail-service: PUBLIC_MAIL_URL ${mail.PUBLIC_MAIL_URL} is not https://<public host>${MAIL_PUBLIC_PATH} (through the TLS proxy)`);
  }
  if (mail.TRUST_PROXY_HOPS !== '1')
    problems.push('mail-service: TRUST_PROXY_HOPS is not 1: behind the proxy every client would be one address to the unsubscribe limit');
  const site = envOf('proxy').SITE_ADDRESS;
  if (hosts.size === 1 && site !== [...hosts][0])
    problems.push(`proxy: SITE_ADDRESS ${site ?? '(unset)'} is not the host the web-client hands browsers (${[...hosts][0]})`);

  // Each required variable resolves to its own dummy value: two values mean two variables (or a literal).
  const secrets = new Set(DEPLOYABLES.flatMap(({ name }) => envOf(name).JWT_SECRET ?? []));
  if (secrets.size > 1) problems.push(`the services get different JWT_SECRETs (${[...secrets].join(', ')}); tokens signed by one would not verify in another`);
  return problems;
}

/**
 * Secrets come from the environment or .env only: every secret-looking setting, and every password
 * inside a URL, resolves to exactly the value given to one required variable (`${VAR:?message}`:
 * `compose` was given a unique dummy for each), and no development default appears in the file.
 */
export function checkNoLiteralSecrets(compose: LoadedCompose, knownDefaults: string[]): string[] {
  const problems: string[] = [];
  const fromRequired = new Set(compose.required.map((name) => compose.env[name]));
  for (const [name, service] of servicesOf(compose.resolved)) {
    for (const [key, value] of Object.entries(environmentOf(service))) {
      if (SECRET_KEY.test(key) && !fromRequired.has(value))
        problems.push(`${name}: ${key} is ${JSON.stringify(value)}; expected \${${key}:?…} (a required variable, no default)`);
      for (const match of value.matchAll(/:\/\/[^:@/\s]+:([^@\s]+)@/g)) {
        if (!fromRequired.has(match[1] as string))
          problems.push(`${name}: ${key} carries the password ${JSON.stringify(match[1])}; expected a required variable`);
      }
    }
  }
  for (const secret of knownDefaults)
    if (compose.text.includes(secret)) problems.push(`docker-compose.yml contains the development default ${JSON.stringify(secret)}`);
  return problems;
}

/** Named volumes for what must survive `docker compose down`, and a stable RabbitMQ node name. */
export function checkVolumes(document: ComposeDocument): string[] {
  const problems: string[] = [];
  for (const name of ['rabbitmq', 'mongo'] as const) {
    const service = document.services[name];
    if (!service) continue;
    const dataPath = INFRASTRUCTURE[name].dataPath;
    // An undeclared named volume is compose's own error.
    if (!volumesOf(service).find((candidate) => candidate.target === dataPath)?.named) problems.push(`${name} keeps ${dataPath} in no named volume`);
  }
  if (document.services.rabbitmq && !document.services.rabbitmq.hostname) {
    problems.push('rabbitmq has no fixed hostname: its data lives under rabbit@<hostname> and a new container would not find it');
  }
  return problems;
}
