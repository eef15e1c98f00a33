import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  FailedAttemptLimiter,
  type AttemptParty,
  type FailedAttemptLimiterOptions,
  type FailureCounterFactory,
  type PendingAttempt,
  type RefusedAttempt,
} from '../../src/index.js';

/** Small budgets so a test reaches each: 3 per pair, 5 per address (60 s), 6 per subject (1 h). */
export const TEST_BUDGETS = {
  perPair: { maxFailures: 3, windowSeconds: 60 },
  perAddress: { maxFailures: 5, windowSeconds: 60 },
  perSubject: { maxFailures: 6, windowSeconds: 3600 },
} satisfies Omit<FailedAttemptLimiterOptions, 'name' | 'counters'>;

export function allowed(decision: PendingAttempt | RefusedAttempt): PendingAttempt {
  if (!decision.allowed) throw new Error(`expected the attempt to be allowed; refused by the ${decision.budget} budget for ${decision.retryAfterMs} ms`);
  return decision;
}

export function testLimiter(counters: FailureCounterFactory, overrides: Partial<FailedAttemptLimiterOptions> = {}): FailedAttemptLimiter {
  return new FailedAttemptLimiter({ name: `test-${randomUUID()}`, counters, ...TEST_BUDGETS, ...overrides });
}

/** An attempt by `party` that turns out wrong. */
export async function fail(limiter: FailedAttemptLimiter, party: AttemptParty, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) await allowed(await limiter.begin(party)).failed();
}

/** A party no other test uses. */
export function aParty(overrides: Partial<AttemptParty> = {}): AttemptParty {
  const n = randomUUID();
  return {
    subject: `user-${n.slice(0, 8)}`,
    address: `10.${parseInt(n.slice(0, 2), 16)}.${parseInt(n.slice(2, 4), 16)}.${parseInt(n.slice(4, 6), 16)}`,
    ...overrides,
  };
}

/**
 * What every store behind FailedAttemptLimiter must do; time does not move in these tests.
 * `otherPairs`: how many other pairs fail around a live window (a multiple of 500); the in-memory
 * store needs more than the old limiter's 10,000 keys, a networked one fewer round trips.
 */
export function failedAttemptLimiterContract(store: string, makeCounters: () => FailureCounterFactory, otherPairs = 10_500): void {
  describe(`FailedAttemptLimiter on ${store}`, () => {
    it('when a (subject, address) pair has used up its failures, then its next attempt is refused and not counted, while another address for the same subject is allowed', async () => {
      const limiter = testLimiter(makeCounters());
      const attacker = aParty();
      await fail(limiter, attacker, 3);

      const refused = await limiter.begin(attacker);

      expect(refused).toMatchObject({ allowed: false, budget: 'pair' });
      expect((refused as RefusedAttempt).retryAfterMs).toBeGreaterThan(55_000);
      expect((refused as RefusedAttempt).retryAfterMs).toBeLessThanOrEqual(60_000);
      expect(await limiter.counts(attacker)).toEqual({ pair: 3, address: 3, subject: 3, mark: 0 });
      const owner = { ...attacker, address: '192.0.2.1' };
      await allowed(await limiter.begin(owner)).succeeded();
      expect(await limiter.counts(owner)).toMatchObject({ pair: 0, subject: 3 });
    });

    it('when one address fails for many subjects, then past the address budget it is refused for every subject, and other addresses are not', async () => {
      const limiter = testLimiter(makeCounters());
      const address = aParty().address;
      for (let i = 0; i < 5; i++) await fail(limiter, { subject: `user-${i}`, address });

      expect(await limiter.begin({ subject: 'someone-new', address })).toMatchObject({ allowed: false, budget: 'address' });
      expect((await limiter.begin({ subject: 'someone-new', address: '192.0.2.2' })).allowed).toBe(true);
    });

    it("when a subject's budget is spent from many addresses, then addresses that failed are refused, and a clean address gets one attempt", async () => {
      const limiter = testLimiter(makeCounters());
      const subject = aParty().subject;
      for (let i = 0; i < 3; i++) await fail(limiter, { subject, address: `198.51.100.${i}` }, 2);
      expect(await limiter.counts({ subject, address: '198.51.100.0' })).toMatchObject({ subject: 6 });

      expect(await limiter.begin({ subject, address: '198.51.100.0' })).toMatchObject({ allowed: false, budget: 'subject' });
      const clean = { subject, address: '203.0.113.50' };
      const owner = { subject, address: '203.0.113.51' };
      await fail(limiter, clean);
      expect(await limiter.begin(clean)).toMatchObject({ allowed: false, budget: 'subject' });
      expect(await limiter.counts(clean)).toEqual({ pair: 1, address: 1, subject: 7, mark: 1 });

      await allowed(await limiter.begin(owner)).succeeded();
      await allowed(await limiter.begin(owner)).succeeded();
      expect(await limiter.counts(owner)).toEqual({ pair: 0, address: 0, subject: 7, mark: 0 });
    });

    it('when attempts succeed or are cancelled, then they use up nothing, and earlier failures still count', async () => {
      const limiter = testLimiter(makeCounters());
      const party = aParty();
      await fail(limiter, party);
      for (let i = 0; i < 10; i++) await allowed(await limiter.begin(party)).succeeded();
      await allowed(await limiter.begin(party)).cancelled();
      expect(await limiter.counts(party)).toEqual({ pair: 1, address: 1, subject: 1, mark: 0 });
    });

    it('when attempts are still in flight, then they already count, so parallel guesses cannot pass the budget', async () => {
      const limiter = testLimiter(makeCounters());
      const party = aParty();
      const decisions = await Promise.all(Array.from({ length: 8 }, () => limiter.begin(party)));

      expect(decisions.filter((d) => d.allowed)).toHaveLength(3);
      expect(await limiter.begin(party)).toMatchObject({ allowed: false, budget: 'pair' });
      await allowed(decisions.find((d) => d.allowed)!).succeeded();
      expect((await limiter.begin(party)).allowed).toBe(true);
    });

    it('when an attempt is settled twice, then only the first settlement counts', async () => {
      const limiter = testLimiter(makeCounters());
      const party = aParty();
      await fail(limiter, party);
      const attempt = allowed(await limiter.begin(party));
      await attempt.failed();
      await attempt.succeeded();
      await attempt.cancelled();
      expect((await limiter.counts(party)).pair).toBe(2);
    });

    it("when a pair is forgotten (its owner logged in), then that address's failures for the subject are gone, and the subject's are not", async () => {
      const limiter = testLimiter(makeCounters());
      const party = aParty();
      await fail(limiter, party, 3);

      await limiter.forgetPair(party);

      expect(await limiter.counts(party)).toEqual({ pair: 0, address: 3, subject: 3, mark: 0 });
      expect((await limiter.begin(party)).allowed).toBe(true);
    });

    it(`when ${otherPairs.toLocaleString('en')} other pairs fail (the old limiter evicted windows past 10,000 keys), then a live window is neither evicted nor reset`, async () => {
      // An hour's window: on a loaded machine the failures took longer than the usual 60 s, and the victim's window ended by itself.
      const limiter = testLimiter(makeCounters(), { perPair: { maxFailures: 3, windowSeconds: 3600 } });
      const victim = aParty();
      await fail(limiter, victim, 3);
      const before = (await limiter.begin(victim)) as RefusedAttempt;

      for (let batch = 0; batch < otherPairs / 500; batch++) {
        await Promise.all(Array.from({ length: 500 }, (_, i) => fail(limiter, { subject: `other-${batch}-${i}`, address: `172.16.${batch}.${i}` })));
      }

      const after = await limiter.begin(victim);
      expect(after).toMatchObject({ allowed: false, budget: 'pair' });
      expect((after as RefusedAttempt).retryAfterMs).toBeLessThanOrEqual(before.retryAfterMs);
      expect(await limiter.counts(victim)).toMatchObject({ pair: 3 });
    }, 180_000);

    it('when a budget is not a positive whole number, then the limiter is not built', () => {
      const counters = makeCounters();
      expect(() => testLimiter(counters, { perPair: { maxFailures: 0, windowSeconds: 60 } })).toThrow(/perPair.maxFailures/);
      expect(() => testLimiter(counters, { perSubject: { maxFailures: 3, windowSeconds: 1.5 } })).toThrow(/perSubject.windowSeconds/);
    });
  });
}
