import { beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_JWT_SECRET } from '@orderpulse/service-kit';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import {
  checkBuildOutputs,
  checkBuilds,
  checkDependsOn,
  checkDeployableTarget,
  checkDockerfile,
  checkDockerignore,
  checkEnvExample,
  checkEnvironment,
  checkHealthchecks,
  checkNoLiteralSecrets,
  checkPorts,
  checkAlertRules,
  checkPrometheusConfig,
  registeredMetricNames,
  checkRestartPolicies,
  checkServicesPresent,
  checkVolumes,
  DEPLOYABLES,
  dockerfilesOf,
  dummyEnvironment,
  effectiveTarget,
  environmentOf,
  findComposeCli,
  loadCompose,
  parseDockerfile,
  runComposeConfig,
  settingsReadBy,
  type ComposeCli,
  type LoadedCompose,
} from '../src/compose/index.js';
import { REPO_ROOT } from '../src/harness/paths.js';

const COMPOSE_FILE = join(REPO_ROOT, 'docker-compose.yml');
const ENV_EXAMPLE = join(REPO_ROOT, 'deploy/.env.example');
const PROMETHEUS = join(REPO_ROOT, 'deploy/prometheus.yml');
const ALERTS = join(REPO_ROOT, 'deploy/alerts.yml');

/**
 * Settings compose already passes that a service's config schema does not declare yet (they are
 * ignored until it does). Anything else compose sets must be read by the service: a typo fails.
 */
const NOT_READ_YET: Record<string, string[]> = {};

/** Parsing, validation and interpolation are compose's own (`compose config`, offline); these tests check what no tool knows: our rules. */
const composeCli = findComposeCli();
const cli = 'cli' in composeCli ? composeCli.cli : ({ command: ['docker-compose'], version: '' } satisfies ComposeCli);

// The alert rules read metric names from the source: no compose client needed.
describe('deploy/alerts.yml', () => {
  it('then every alert rule reads metrics the services really register', () => {
    const registered = registeredMetricNames(REPO_ROOT, [
      'service-kit',
      'broker',
      'orders-service',
      'delivery-service',
      'notifier-service',
      'mail-service',
      'web-client',
    ]);
    expect(registered.has('amqp_events_consumed_total')).toBe(true);
    expect(checkAlertRules(ALERTS, registered)).toEqual([]);
    // The check itself catches a renamed metric.
    expect(checkAlertRules(ALERTS, new Set([...registered].filter((name) => name !== 'outbox_pending_events')))).toEqual([
      'OrderpulseOutboxBacklog reads outbox_pending_events, which no service registers',
    ]);
  });
});

describeIfAvailable(
  `docker compose deployment files, as ${cli.command.join(' ')} config resolves them (no Docker engine)`,
  'missing' in composeCli ? composeCli.missing : undefined,
  () => {
    let compose: LoadedCompose;
    let dockerfiles: ReturnType<typeof dockerfilesOf>;
    beforeAll(() => {
      compose = loadCompose(cli, { file: COMPOSE_FILE, envFile: ENV_EXAMPLE });
      dockerfiles = dockerfilesOf(compose.resolved, REPO_ROOT);
    });
    const imageHealthcheck = (service: string) => {
      const built = dockerfiles.get(service);
      if (!built) return false;
      try {
        const healthcheck = effectiveTarget(built.dockerfile, built.target).healthcheck;
        return !!healthcheck && healthcheck.command !== 'NONE';
      } catch {
        return false;
      }
    };

    it('when composed, then every deployable runs beside RabbitMQ 3.13 (management), MongoDB 7, Redis 7 and the Caddy 2 TLS proxy', () => {
      expect(checkServicesPresent(compose.resolved)).toEqual([]);
    });

    it('when composed, then every service is health-checked and starts only after what it talks to is healthy', () => {
      expect(checkHealthchecks(compose.resolved, imageHealthcheck)).toEqual([]);
      expect(checkDependsOn(compose.resolved, imageHealthcheck)).toEqual([]);
    });

    it('when composed, then only the TLS proxy (80, 443) and the RabbitMQ management UI are published; no service port, MQTT port or METRICS_PORT', () => {
      expect(checkPorts(compose.resolved)).toEqual([]);
    });

    it('when composed, then each service gets production mode, 0.0.0.0 and URLs of the right containers, and browsers get https/wss URLs of the proxy', () => {
      expect(checkEnvironment(compose)).toEqual([]);
    });

    it('when composed, then secrets come only from required variables, never from the file', () => {
      expect(compose.required).toEqual(expect.arrayContaining(['JWT_SECRET', 'ADMIN_USERNAME', 'ADMIN_PASSWORD']));
      expect(checkNoLiteralSecrets(compose, [DEV_JWT_SECRET, 'change-me', 'guest:guest'])).toEqual([]);
    });

    const configRun = (env: Record<string, string>) => runComposeConfig(cli, { file: COMPOSE_FILE, envFile: ENV_EXAMPLE, env, configArgs: ['-q'] });

    it('when exactly the required variables are set, then compose accepts the file (so no other variable is required)', () => {
      const result = configRun(dummyEnvironment(compose.required));
      expect({ status: result.status, stderr: result.stderr.trim() }).toEqual({ status: 0, stderr: '' });
    });

    it.each(['JWT_SECRET', 'ADMIN_USERNAME', 'ADMIN_PASSWORD', 'RABBITMQ_PASSWORD', 'SMTP_URL'])(
      'when %s is missing (deploy/.env.example leaves it empty), then compose refuses the file and says where to set it',
      (variable) => {
        const result = configRun({ ...dummyEnvironment(compose.required), [variable]: '' });
        expect(result.status).not.toBe(0);
        expect(result.stderr).toContain(`set ${variable} in .env (see deploy/.env.example)`);
      },
    );

    it('when composed, then services restart and RabbitMQ/MongoDB data lives in named volumes', () => {
      expect(checkRestartPolicies(compose.resolved)).toEqual([]);
      expect(checkVolumes(compose.resolved)).toEqual([]);
    });

    it('when composed, then each deployable is built from an existing Dockerfile target', () => {
      expect(checkBuilds(compose.resolved, REPO_ROOT, REPO_ROOT)).toEqual([]);
      expect([...dockerfiles.keys()].sort()).toEqual(DEPLOYABLES.map(({ name }) => name).sort());
    });

    it('when composed, then every setting it passes is one the service reads (or is listed as not read yet)', () => {
      const unknown: string[] = [];
      const pending: string[] = [];
      for (const { name } of DEPLOYABLES) {
        const read = settingsReadBy(REPO_ROOT, name);
        for (const key of Object.keys(environmentOf(compose.resolved.services[name] ?? {}))) {
          if (read.has(key)) continue;
          if (NOT_READ_YET[name]?.includes(key)) pending.push(`${name}: ${key}`);
          else unknown.push(`${name}: ${key} is not in its config schema`);
        }
      }
      if (pending.length) console.warn(`docker-compose.yml passes settings the services do not read yet: ${pending.join(', ')}`);
      expect(unknown).toEqual([]);
    });

    it('when Prometheus runs (profile observability), then it scrapes every service /metrics', () => {
      expect(checkPrometheusConfig(PROMETHEUS, compose.resolved)).toEqual([]);
    });

    it('when setting up, then deploy/.env.example names every required variable and holds no secret', () => {
      expect(checkEnvExample(ENV_EXAMPLE, compose.required)).toEqual([]);
    });

    it('when the images are built, then the Dockerfile is multi-stage and .dockerignore keeps node_modules, dist and .env out', () => {
      for (const { dockerfile, path } of new Map([...dockerfiles.values()].map((built) => [built.path, built])).values()) {
        expect({ path, problems: checkDockerfile(dockerfile) }).toEqual({ path, problems: [] });
      }
      expect(checkDockerignore(REPO_ROOT)).toEqual([]);
    });

    it.each(DEPLOYABLES.map((deployable) => [deployable.name, deployable] as const))(
      'when the %s image is built, then it is non-root, production, health-checked, and holds only prod deps and dist',
      (name, deployable) => {
        const built = dockerfiles.get(name);
        const dockerfile = built?.dockerfile ?? parseDockerfile('');
        expect(checkDeployableTarget(dockerfile, deployable, REPO_ROOT)).toEqual([]);
      },
    );

    it('when `npm run build` has run, then every image CMD entry (and the web assets) exists', () => {
      expect(checkBuildOutputs(REPO_ROOT)).toEqual([]);
    });
  },
);

describe('Dockerfile checker: when the Dockerfile breaks a rule, then it says which', () => {
  const orders = DEPLOYABLES.find(({ name }) => name === 'orders-service') as (typeof DEPLOYABLES)[number];

  it('flags a single-stage, root, curl-checked, shell-form image built straight from the context', () => {
    const dockerfile = parseDockerfile(
      [
        'FROM node:20-bookworm-slim AS orders-service',
        'WORKDIR /app',
        'COPY . .',
        'RUN npm ci && npm run build',
        'HEALTHCHECK CMD curl -f http://localhost:3001/healthz',
        'CMD npm start',
      ].join('\n'),
    );
    expect(checkDockerfile(dockerfile)).toEqual([expect.stringContaining('multi-stage')]);
    const problems = checkDeployableTarget(dockerfile, orders, REPO_ROOT).join('\n');
    for (const expected of [
      'no USER',
      'NODE_ENV',
      'curl',
      'runs curl',
      'shell form',
      'straight from the build context',
      'no COPY --from=<stage> brings node_modules',
    ]) {
      expect(problems).toContain(expected);
    }
  });

  it("flags a CMD without the deployable's node options (the broker's --no-memory-reducer and --max-semi-space-size)", () => {
    const broker = DEPLOYABLES.find(({ name }) => name === 'broker') as (typeof DEPLOYABLES)[number];
    expect(broker.nodeArgs).toEqual(['--no-memory-reducer', '--max-semi-space-size=64']);
    const withCmd = (cmd: string) =>
      checkDeployableTarget(parseDockerfile(['FROM node:20-alpine AS broker', 'WORKDIR /app', cmd].join('\n')), broker, REPO_ROOT).join('\n');
    expect(withCmd('CMD ["node", "broker/dist/main.js"]')).toContain(
      'CMD is ["node","broker/dist/main.js"], expected ["node","--no-memory-reducer","--max-semi-space-size=64","broker/dist/main.js"]',
    );
    expect(withCmd('CMD ["node", "--no-memory-reducer", "broker/dist/main.js"]')).toContain('CMD is');
    expect(withCmd('CMD ["node", "--no-memory-reducer", "--max-semi-space-size=64", "./broker/dist/main.js"]')).not.toContain('CMD is');
  });

  it('flags a runtime stage that copies the whole build or installs every workspace', () => {
    const dockerfile = parseDockerfile(
      [
        'FROM node:20-alpine AS build',
        'WORKDIR /app',
        'COPY . .',
        'RUN npm ci && npm run build',
        'FROM node:20-alpine AS deps',
        'RUN npm ci --omit=dev',
        'FROM node:20-alpine AS orders-service',
        'ENV NODE_ENV=production',
        'WORKDIR /app',
        'COPY --from=deps /app ./',
        'COPY --from=build /app ./',
        'USER 0',
        'HEALTHCHECK CMD ["node", "-e", "fetch(\'http://127.0.0.1:3001/healthz\')"]',
        'CMD ["node", "orders-service/dist/main.js"]',
      ].join('\n'),
    );
    const problems = checkDeployableTarget(dockerfile, orders, REPO_ROOT).join('\n');
    expect(problems).toContain('USER 0 is root');
    expect(problems).toContain('orders-service/dist should be copied on its own');
    // node_modules now comes from the full build (dev dependencies included), not one workspace's prod install.
    expect(problems).toContain('stage build does not run npm ci --omit=dev');
    expect(problems).toContain('stage build does not install only --workspace @orderpulse/orders-service');
  });
});

describeIfAvailable(
  'compose checker: when the compose file breaks a rule, then it says which',
  'missing' in composeCli ? composeCli.missing : undefined,
  () => {
    it('flags a service or METRICS_PORT published past the proxy, plain ws/http URLs for browsers, and an untrusted proxy hop', () => {
      const compose = loadCompose(cli, { file: COMPOSE_FILE, envFile: ENV_EXAMPLE });
      const services = structuredClone(compose.resolved.services);
      services['orders-service']!.ports = ['3001:3001', '9401:9401'];
      const web = services['web-client']!.environment as Record<string, string>;
      web.MQTT_WS_URL = 'ws://localhost:8083/mqtt';
      web.ORDERS_URL = 'http://localhost:3001';
      delete (services['orders-service']!.environment as Record<string, string>).TRUST_PROXY_HOPS;
      const broken = { ...compose.resolved, services };

      const ports = checkPorts(broken).join('\n');
      expect(ports).toContain('orders-service publishes [3001,9401], expected []');
      expect(ports).toContain('orders-service publishes its METRICS_PORT 9401');
      const environment = checkEnvironment({ ...compose, resolved: broken }).join('\n');
      expect(environment).toContain('MQTT_WS_URL ws://localhost:8083/mqtt is not wss://<public host>/mqtt');
      expect(environment).toContain('ORDERS_URL http://localhost:3001 is not https://<public host>/api/orders');
      expect(environment).toContain('TRUST_PROXY_HOPS is not 1');
    });

    it('flags literal secrets, defaulted secrets, passwords in URLs, and unhealthy waits', () => {
      const dir = mkdtempSync(join(tmpdir(), 'compose-check-'));
      const file = join(dir, 'docker-compose.yml');
      writeFileSync(join(dir, '.env'), '');
      writeFileSync(
        file,
        [
          'services:',
          '  rabbitmq:',
          '    image: rabbitmq:3.13-management',
          '  orders-service:',
          '    image: example/orders-service',
          '    environment:',
          '      JWT_SECRET: not-so-secret',
          '      ADMIN_PASSWORD: ${ADMIN_PASSWORD:-change-me}',
          '      AMQP_URL: amqp://guest:guest@rabbitmq:5672',
          '    depends_on: [rabbitmq]',
        ].join('\n'),
      );
      try {
        const compose = loadCompose(cli, { file, envFile: join(dir, '.env') });
        const secrets = checkNoLiteralSecrets(compose, ['change-me']).join('\n');
        expect(secrets).toContain('JWT_SECRET is "not-so-secret"');
        expect(secrets).toContain('ADMIN_PASSWORD is "change-me"');
        expect(secrets).toContain('the password "guest"');
        expect(secrets).toContain('development default "change-me"');
        const waits = checkDependsOn(compose.resolved, () => false).join('\n');
        expect(waits).toContain('orders-service waits for rabbitmq, which has no healthcheck');
        expect(waits).toContain('expected condition: service_healthy');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
