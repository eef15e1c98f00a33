// Jest-side helpers shared by every workspace's tests. They import Jest, so they live apart from
// ./testing's index, which Jest's global setup loads outside any test.
import { describe, it } from '@jest/globals';

export { describeOutboxStoreContract, type OutboxStoreUnderTest } from './outbox-store-contract.js';
export { describeHopHistoryContract, type HopHistoryUnderTest } from './hop-history-contract.js';

/** What a suite (or test) that needs a dependency does: run, fail with the reason (CI), or skip loudly. */
export type AvailabilityDecision = { action: 'run' } | { action: 'fail'; message: string } | { action: 'skip'; message: string };

/**
 * The one rule: with the dependency there, run; without it, fail in CI (`CI=true`), so a missing
 * install step can never hide behind a skip, and skip with the reason printed anywhere else.
 */
export function availabilityDecision(title: string, missing: string | undefined, env: Record<string, string | undefined> = process.env): AvailabilityDecision {
  if (!missing) return { action: 'run' };
  if (env.CI === 'true') return { action: 'fail', message: `${title}: needs a dependency that is missing in CI: ${missing}` };
  return { action: 'skip', message: `[${title}] SKIPPED: ${missing}` };
}

/**
 * `describe` when the dependency the suite needs is there (`missing` undefined). Otherwise,
 * locally, the suite is skipped and the reason printed; in CI (`CI=true`) it fails with the
 * reason instead.
 */
export function describeIfAvailable(title: string, missing: string | undefined, body: () => void): void {
  const decision = availabilityDecision(title, missing);
  if (decision.action === 'run') {
    describe(title, body);
  } else if (decision.action === 'fail') {
    describe(title, () => {
      it(`needs a dependency that is missing in CI: ${missing}`, () => {
        throw new Error(decision.message);
      });
    });
  } else {
    process.stdout.write(`\n${decision.message}\n`);
    describe.skip(`${title} (skipped: ${missing})`, body);
  }
}

/** `it` with the same rule, for one test of a suite that otherwise runs everywhere. */
export function itIfAvailable(title: string, missing: string | undefined, fn: () => Promise<unknown>, timeoutMs?: number): void {
  const decision = availabilityDecision(title, missing);
  if (decision.action === 'run') {
    it(title, fn, timeoutMs);
  } else if (decision.action === 'fail') {
    it(title, () => {
      throw new Error(decision.message);
    });
  } else {
    process.stdout.write(`\n${decision.message}\n`);
    it.skip(`${title} (skipped: ${missing})`, fn, timeoutMs);
  }
}

/** The MongoDB the global setup found (MONGO_URL), or why there is none. */
export function mongoTestTarget(): { url: string } | { missing: string } {
  const url = process.env.MONGO_URL;
  return url ? { url } : { missing: process.env.ORDERPULSE_MONGO_SKIP ?? 'MONGO_URL is unset' };
}
