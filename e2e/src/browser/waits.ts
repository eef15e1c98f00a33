import type { Locator, Page } from 'playwright-core';

/** Cross-process waits: generous, since a change travels API → RabbitMQ → notifier → broker → page. */
export const CROSS_PROCESS_MS = 20_000;

export const byTestId = (testId: string) => `[data-testid="${testId}"]`;

/** Waits until `locator` has exactly `text`; the error says what it showed instead. */
export async function waitForText(locator: Locator, text: string | RegExp, timeoutMs = CROSS_PROCESS_MS): Promise<void> {
  const exact = typeof text === 'string' ? new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : text;
  try {
    await locator.filter({ hasText: exact }).first().waitFor({ state: 'visible', timeout: timeoutMs });
  } catch (err) {
    const actual = (await locator.count()) ? await locator.first().textContent() : '(no such element)';
    throw new Error(`expected ${String(exact)}, found ${JSON.stringify(actual)}: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
}

/** Waits until the element with `testId` carries `attribute="value"`. */
export async function waitForAttribute(page: Page, testId: string, attribute: string, value: string, timeoutMs = CROSS_PROCESS_MS): Promise<void> {
  const locator = page.locator(`${byTestId(testId)}[${attribute}="${value}"]`);
  try {
    await locator.waitFor({ state: 'attached', timeout: timeoutMs });
  } catch (err) {
    const actual = await page
      .locator(byTestId(testId))
      .first()
      .getAttribute(attribute)
      .catch(() => '(no such element)');
    throw new Error(`${testId}[${attribute}] stayed ${JSON.stringify(actual)}, expected ${JSON.stringify(value)}: ${(err as Error).message.split('\n')[0]}`, {
      cause: err,
    });
  }
}
