import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Router from '@koa/router';
import { createHttpApp, createLogger, createMetricsRegistry, listen, TooManyAttemptsError, type RunningServer } from '../src/index.js';

describe('TooManyAttemptsError', () => {
  it('when built from a wait in ms, then it is a 429 whose Retry-After is whole seconds rounded up and whose message says when', () => {
    const error = new TooManyAttemptsError(1_001, 'failed logins');
    expect(error).toMatchObject({ status: 429, code: 'too_many_attempts', retryAfterSeconds: 2, headers: { 'Retry-After': '2' } });
    expect(error.message).toBe('too many failed logins; try again in 2 seconds');
    expect(new TooManyAttemptsError(900_000).message).toBe('too many failed attempts; try again in 15 minutes');
    expect(new TooManyAttemptsError(1).retryAfterSeconds).toBe(1);
  });
});

describe('createHttpApp: error headers and client addresses', () => {
  const servers: RunningServer[] = [];

  async function start(trustProxyHops?: number): Promise<RunningServer> {
    const app = createHttpApp({
      logger: createLogger('test', 'silent'),
      registry: createMetricsRegistry('test'),
      readiness: () => ({}),
      ...(trustProxyHops === undefined ? {} : { trustProxyHops }),
    });
    const router = new Router();
    router.get('/ip', (ctx) => {
      ctx.body = { ip: ctx.ip };
    });
    router.post('/locked', () => {
      throw new TooManyAttemptsError(30_000);
    });
    app.use(router.routes());
    const server = await listen(app, 0);
    servers.push(server);
    return server;
  }

  let untrusting: RunningServer;
  beforeAll(async () => {
    untrusting = await start();
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  const ipSeenBy = async (server: RunningServer, forwardedFor?: string) => {
    const res = await fetch(`${server.url}/ip`, forwardedFor ? { headers: { 'X-Forwarded-For': forwardedFor } } : {});
    return ((await res.json()) as { ip: string }).ip;
  };

  it('when an HttpError carries headers, then the JSON error response has them', async () => {
    const res = await fetch(`${untrusting.url}/locked`, { method: 'POST' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(await res.json()).toEqual({
      error: { code: 'too_many_attempts', message: 'too many failed attempts; try again in 30 seconds', details: { retryAfterSeconds: 30 } },
    });
  });

  it('when no proxy is trusted (the default), then X-Forwarded-For is ignored and the client is the TCP peer', async () => {
    const peer = await ipSeenBy(untrusting);
    expect(peer).toMatch(/127\.0\.0\.1$/);
    expect(await ipSeenBy(untrusting, '203.0.113.9')).toBe(peer);
  });

  it('when one proxy hop is trusted, then the client is the address that proxy appended, not what the client wrote before it', async () => {
    const behindProxy = await start(1);
    expect(await ipSeenBy(behindProxy, '198.51.100.1, 203.0.113.9')).toBe('203.0.113.9');
    const twoHops = await start(2);
    expect(await ipSeenBy(twoHops, '198.51.100.1, 203.0.113.9, 10.0.0.2')).toBe('203.0.113.9');
  });

  it('when trustProxyHops is not a whole number >= 0, then the app is not built', () => {
    expect(() =>
      createHttpApp({ logger: createLogger('test', 'silent'), registry: createMetricsRegistry('test'), readiness: () => ({}), trustProxyHops: -1 }),
    ).toThrow(/trustProxyHops/);
  });
});
