// Jest-side helpers shared by every workspace's tests. They import Jest, so they live apart from
// ./testing's index, which Jest's global setup loads outside any test.
import { describe, it } from '@jest/globals';

export { describeOutboxStoreContract, type OutboxStoreUnderTest } from './outbox-store-contract.js';

/**
 * `describe` when the dependency the suite needs is there (`missing` undefined). Otherwise,
 * locally, the suite is skipped and the reason printed; in CI (`CI=true`) it fails with the
 * reason instead, so a missing install step can never hide behind a skip.
 */
export function describeIfAvailable(title: string, missing: string | undefined, body: () => void): void {
  if (!missing) {
    describe(title, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(title, () => {
      it(`needs a dependency that is missing in CI: ${missing}`, () => {
        throw new Error(`${title}: ${missing}`);
      });
    });
    return;
  }
  process.stdout.write(`\n[${title}] SKIPPED: ${missing}\n`);
  describe.skip(`${title} (skipped: ${missing})`, body);
}

/** The MongoDB the global setup found (MONGO_URL), or why there is none. */
export function mongoTestTarget(): { url: string } | { missing: string } {
  const url = process.env.MONGO_URL;
  return url ? { url } : { missing: process.env.ORDERPULSE_MONGO_SKIP ?? 'MONGO_URL is unset' };
}
