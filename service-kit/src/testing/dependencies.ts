import { isPortOpen } from './probe.js';

export interface StartedDependency {
  url: string;
  source: 'env' | 'local' | 'testcontainers';
  stop(): Promise<void>;
}

const nothingToStop = async () => undefined;

function hostPortOf(url: string, fallbackPort: number): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || fallbackPort) };
}

/** Docker engine missing fails in milliseconds; anything else is a real error worth showing. */
async function tryContainer<T>(start: () => Promise<T>): Promise<{ value?: T; reason?: string }> {
  try {
    return { value: await start() };
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    return { reason: /container runtime strategy/i.test(message) ? 'no Docker engine answers' : message.split('\n')[0] };
  }
}

/**
 * RabbitMQ for tests: `AMQP_URL` when given, else the local RabbitMQ when it answers on
 * 127.0.0.1:5672, else a testcontainers RabbitMQ when a Docker engine answers; otherwise one
 * clear error.
 */
export async function resolveRabbitMq(env: Record<string, string | undefined> = process.env): Promise<StartedDependency> {
  if (env.AMQP_URL) return { url: env.AMQP_URL, source: 'env', stop: nothingToStop };
  const local = 'amqp://guest:guest@127.0.0.1:5672';
  const { host, port } = hostPortOf(local, 5672);
  if (await isPortOpen(host, port)) return { url: local, source: 'local', stop: nothingToStop };
  const started = await tryContainer(async () => {
    const { RabbitMQContainer } = await import('@testcontainers/rabbitmq');
    return new RabbitMQContainer('rabbitmq:3.13-alpine').start();
  });
  if (started.value) {
    const container = started.value;
    return { url: container.getAmqpUrl(), source: 'testcontainers', stop: async () => void (await container.stop()) };
  }
  throw new Error(
    `no RabbitMQ for the tests: AMQP_URL is unset, nothing answers on 127.0.0.1:5672 and testcontainers failed (${started.reason}); ` +
      'start one with `rabbitmq-server -detached` or set AMQP_URL',
  );
}

export type MongoResolution = StartedDependency | { skipReason: string };

/**
 * MongoDB for tests: `MONGO_URL` when given, else a testcontainers MongoDB when a Docker engine
 * answers, else a reason to skip (no MongoDB server can be installed on the build machines).
 */
export async function resolveMongo(env: Record<string, string | undefined> = process.env): Promise<MongoResolution> {
  if (env.MONGO_URL) return { url: env.MONGO_URL, source: 'env', stop: nothingToStop };
  const started = await tryContainer(async () => {
    const { MongoDBContainer } = await import('@testcontainers/mongodb');
    return new MongoDBContainer('mongo:7').start();
  });
  if (started.value) {
    const container = started.value;
    return {
      url: `${container.getConnectionString()}?directConnection=true`,
      source: 'testcontainers',
      stop: async () => void (await container.stop()),
    };
  }
  return { skipReason: `MONGO_URL is unset and testcontainers could not start MongoDB (${started.reason})` };
}
