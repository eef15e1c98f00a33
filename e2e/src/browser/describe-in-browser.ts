import { describe } from '@jest/globals';
import { chromiumSkipReason } from './chromium.js';

/**
 * `describe` for the browser suites: skipped, with the reason printed once per file, where
 * /usr/bin/chromium is missing.
 */
export function describeInBrowser(name: string, suite: () => void): void {
  const skipReason = chromiumSkipReason();
  if (skipReason) {
    console.warn(`[e2e] skipping the browser tests: ${skipReason}`);
    describe.skip(name, suite);
  } else describe(name, suite);
}
