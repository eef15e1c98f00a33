import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@orderpulse/service-kit/testing';

export { CHROMIUM_PATH, chromiumMissing } from '@orderpulse/service-kit/testing';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
}

const byTestId = (testId: string) => `[data-testid="${testId}"]`;

export function textOf(page: Page, testId: string): Promise<string | null> {
  return page.locator(byTestId(testId)).textContent();
}

/** Waits until the element's text (or `attribute`) equals `expected`; the error shows what it was instead. */
export async function waitForValue(page: Page, testId: string, expected: string, options: { attribute?: string; timeoutMs?: number } = {}): Promise<void> {
  const { attribute, timeoutMs = 10_000 } = options;
  try {
    await page.waitForFunction(
      ({ selector, attr, want }) => {
        const element = document.querySelector(selector);
        return (attr ? element?.getAttribute(attr) : element?.textContent) === want;
      },
      { selector: byTestId(testId), attr: attribute ?? null, want: expected },
      { timeout: timeoutMs },
    );
  } catch (err) {
    const locator = page.locator(byTestId(testId));
    const actual = (await locator.count()) ? await (attribute ? locator.getAttribute(attribute) : locator.textContent()) : '(no such element)';
    throw new Error(
      `${testId}${attribute ? `[${attribute}]` : ''} stayed ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}: ${(err as Error).message.split('\n')[0]}`,
      { cause: err },
    );
  }
}
