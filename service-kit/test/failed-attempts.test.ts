import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Router from '@koa/router';
import {
  createHttpApp,
  createLogger,
  createMetricsRegistry,
  FailedAttemptLimiter,
  listen,
  TooManyAttemptsError,
  type FailedAttemptLimiterOptions,
  type PendingAttempt,
  type RefusedAttempt,
  type RunningServer,
} from '../src/index.js';

const WINDOW_MS = 60_000;

function setUp(options: Partial<FailedAttemptLimiterOptions> = {}) {
  let now = 1_000_000;
  const limiter = new FailedAttemptLimiter({ maxFailures: 3, windowMs: WINDOW_MS, now: () => now, ...options });
  return {
    limiter,
    advance: (ms: number) => {
      now += ms;
    },
    /** An attempt for `keys` that turns out wrong. */
    fail: (...keys: string[]) => allowed(limiter.begin(keys)).failed(),
  };
}

function allowed(decision: PendingAttempt | RefusedAttempt): PendingAttempt {
  if (!decision.allowed) throw new Error(`expected the attempt to be allowed; refused for ${decision.retryAfterMs} ms`);
  return decision;
}

describe('FailedAttemptLimiter', () => {
  it('when a key has used up its failures, then its next attempt is refused for the rest of its window and is not counted', () => {
    const { limiter, advance, fail } = setUp();
    fail('ip:a');
    advance(10_000);
    fail('ip:a');
    fail('ip:a');
    expect(limiter.failuresOf('ip:a')).toBe(3);

    advance(5_000);
    const refused = limiter.begin(['ip:a']);

    // The window started at the first failure, 15 s ago.
    expect(refused).toEqual({ allowed: false, retryAfterMs: WINDOW_MS - 15_000 });
    expect(limiter.failuresOf('ip:a')).toBe(3);
  });

  it('when fewer failures than the budget were counted, then attempts are still allowed', () => {
    const { limiter, fail } = setUp();
    fail('ip:a');
    fail('ip:a');
    expect(limiter.retryAfterMs(['ip:a'])).toBe(0);
    expect(limiter.begin(['ip:a']).allowed).toBe(true);
  });

  it('when the window ends, then the key may try again with a fresh budget, and not a millisecond before', () => {
    const { limiter, advance, fail } = setUp();
    for (let i = 0; i < 3; i++) fail('ip:a');

    advance(WINDOW_MS - 1);
    expect(limiter.begin(['ip:a'])).toEqual({ allowed: false, retryAfterMs: 1 });

    advance(1);
    expect(limiter.retryAfterMs(['ip:a'])).toBe(0);
    fail('ip:a');
    expect(limiter.failuresOf('ip:a')).toBe(1);
    fail('ip:a');
    fail('ip:a');
    expect(limiter.retryAfterMs(['ip:a'])).toBe(WINDOW_MS);
  });

  it('when attempts succeed, then they never use up the budget, and earlier failures still count', () => {
    const { limiter, fail } = setUp();
    fail('ip:a');
    for (let i = 0; i < 10; i++) allowed(limiter.begin(['ip:a'])).succeeded();
    expect(limiter.failuresOf('ip:a')).toBe(1);

    const untouched = setUp();
    for (let i = 0; i < 10; i++) allowed(untouched.limiter.begin(['ip:b'])).succeeded();
    expect(untouched.limiter.failuresOf('ip:b')).toBe(0);
    expect(untouched.limiter.size).toBe(0);
  });

  it('when an attempt is cancelled (it was not a guess), then it is not counted', () => {
    const { limiter, fail } = setUp();
    fail('ip:a');
    allowed(limiter.begin(['ip:a'])).cancelled();
    expect(limiter.failuresOf('ip:a')).toBe(1);
  });

  it('when a key is reset after a success, then its failures are forgotten at once', () => {
    const { limiter, fail } = setUp();
    for (let i = 0; i < 3; i++) fail('user:admin', 'ip:a');
    expect(limiter.begin(['user:admin']).allowed).toBe(false);

    limiter.reset(['user:admin', 'ip:a']);

    expect(limiter.failuresOf('user:admin')).toBe(0);
    expect(limiter.begin(['user:admin', 'ip:a']).allowed).toBe(true);
  });

  it('when attempts are still in flight, then they already count, so parallel guesses cannot exceed the budget', () => {
    const { limiter } = setUp();
    const inFlight = [0, 1, 2].map(() => allowed(limiter.begin(['ip:a'])));

    expect(limiter.begin(['ip:a']).allowed).toBe(false);

    inFlight[0]!.succeeded();
    expect(limiter.begin(['ip:a']).allowed).toBe(true);
  });

  it('when an attempt is settled twice, then only the first settlement counts', () => {
    const { limiter, fail } = setUp();
    fail('ip:a');
    const attempt = allowed(limiter.begin(['ip:a']));
    attempt.succeeded();
    attempt.succeeded();
    attempt.cancelled();
    expect(limiter.failuresOf('ip:a')).toBe(1);
  });

  it('when the window an attempt was counted in has ended, then its success does not take a failure from the new window', () => {
    const { limiter, advance, fail } = setUp();
    const slow = allowed(limiter.begin(['ip:a']));
    advance(WINDOW_MS);
    fail('ip:a');

    slow.succeeded();

    expect(limiter.failuresOf('ip:a')).toBe(1);
  });

  describe('several keys per attempt', () => {
    it('when one key is over its budget, then the attempt is refused and nothing is counted against the others', () => {
      const { limiter, fail } = setUp();
      for (let i = 0; i < 3; i++) fail('ip:a', 'user:admin');
      fail('ip:b');

      expect(limiter.begin(['ip:b', 'user:admin']).allowed).toBe(false);
      expect(limiter.failuresOf('ip:b')).toBe(1);
    });

    it('when another key has failures of its own, then a key that has none is unaffected', () => {
      const { limiter, fail } = setUp();
      for (let i = 0; i < 3; i++) fail('ip:a', 'user:admin');

      expect(limiter.begin(['ip:b', 'user:other']).allowed).toBe(true);
      expect(limiter.begin(['ip:a', 'user:other']).allowed).toBe(false);
    });

    it('when keys are over their budgets, then the wait is the longest of theirs', () => {
      const { limiter, advance, fail } = setUp();
      for (let i = 0; i < 3; i++) fail('ip:a');
      advance(20_000);
      for (let i = 0; i < 3; i++) fail('user:admin');

      expect(limiter.retryAfterMs(['ip:a', 'user:admin'])).toBe(WINDOW_MS);
      expect(limiter.retryAfterMs(['ip:a'])).toBe(WINDOW_MS - 20_000);
    });

    it('when a key is named twice, then it is counted once', () => {
      const { limiter, fail } = setUp();
      fail('ip:a', 'ip:a');
      expect(limiter.failuresOf('ip:a')).toBe(1);
    });
  });

  describe('bounded memory', () => {
    it('when a new key would pass the cap, then the oldest window is forgotten and the others are kept', () => {
      const { limiter, advance, fail } = setUp({ maxKeys: 3 });
      for (const key of ['a', 'b', 'c']) {
        fail(key);
        advance(1_000);
      }
      fail('b'); // more failures do not make a window younger

      fail('d');

      expect(limiter.size).toBe(3);
      expect(limiter.failuresOf('a')).toBe(0);
      expect(limiter.failuresOf('b')).toBe(2);
      expect(limiter.failuresOf('c')).toBe(1);
      expect(limiter.failuresOf('d')).toBe(1);
    });

    it('when many distinct keys fail, then the number kept never passes the cap', () => {
      const { limiter, fail } = setUp({ maxKeys: 100 });
      for (let i = 0; i < 10_000; i++) fail(`ip:${i}`);
      expect(limiter.size).toBe(100);
      expect(limiter.failuresOf('ip:9999')).toBe(1);
      expect(limiter.failuresOf('ip:9899')).toBe(0);
    });

    it('when windows have ended, then they are dropped before a live window is evicted', () => {
      const { limiter, advance, fail } = setUp({ maxKeys: 3 });
      fail('a');
      fail('b');
      advance(WINDOW_MS / 2);
      fail('c');
      advance(WINDOW_MS / 2); // a and b have ended, c has not

      fail('d');

      expect(limiter.size).toBe(2);
      expect(limiter.failuresOf('c')).toBe(1);
      expect(limiter.failuresOf('d')).toBe(1);
    });
  });

  it('when the options are not positive integers, then the limiter refuses them', () => {
    expect(() => new FailedAttemptLimiter({ maxFailures: 0, windowMs: 1_000 })).toThrow(/maxFailures/);
    expect(() => new FailedAttemptLimiter({ maxFailures: 3, windowMs: 1.5 })).toThrow(/windowMs/);
    expect(() => new FailedAttemptLimiter({ maxFailures: 3, windowMs: 1_000, maxKeys: -1 })).toThrow(/maxKeys/);
  });
});

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
    expect(() => createHttpApp({ logger: createLogger('test', 'silent'), registry: createMetricsRegistry('test'), readiness: () => ({}), trustProxyHops: -1 })).toThrow(
      /trustProxyHops/,
    );
  });
});
