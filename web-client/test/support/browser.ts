import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM_PATH) ? undefined : `${CHROMIUM_PATH} not found; install it with \`apt-get install -y chromium\``;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
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
