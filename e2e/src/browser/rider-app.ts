import type { Locator, Page } from 'playwright-core';
import { byTestId, CROSS_PROCESS_MS, waitForAttribute, waitForText } from './waits.js';

export type RiderAction = 'Picked up' | 'On the way' | 'Delivered';

/** The rider app, as a test drives it. */
export class RiderApp {
  constructor(readonly page: Page) {}

  card(orderNumber: string): Locator {
    return this.page.locator(`${byTestId('assignments')} li[data-order-number="${orderNumber}"]`);
  }

  waitForDelivery(orderNumber: string, statusLabel: string): Promise<void> {
    return waitForText(this.card(orderNumber).locator(byTestId('delivery-status')), statusLabel);
  }

  /**
   * Presses a progress button; resolves once the broker has acknowledged the report (for
   * Delivered: once the delivery has left the list, which can be before "Sent" shows).
   */
  async report(orderNumber: string, action: RiderAction): Promise<void> {
    const card = this.card(orderNumber);
    await card.getByRole('button', { name: action, exact: true }).click();
    if (action === 'Delivered') await card.waitFor({ state: 'detached', timeout: CROSS_PROCESS_MS });
    else await waitForText(card.locator(byTestId('report-result')), new RegExp(`^Sent “${action}”`));
  }

  /** Presses a progress button without a connection; resolves once the report is kept on the device. */
  async reportOffline(orderNumber: string, action: RiderAction): Promise<void> {
    const card = this.card(orderNumber);
    await card.getByRole('button', { name: action, exact: true }).click();
    await waitForText(card.locator(byTestId('report-result')), new RegExp(`^“${action}” is saved on this phone`));
  }

  /** Waits until exactly `count` reports wait to be sent; the error lists what did wait. */
  async waitForWaiting(count: number, timeoutMs = CROSS_PROCESS_MS): Promise<void> {
    try {
      await waitForAttribute(this.page, 'waiting', 'data-count', String(count), timeoutMs);
    } catch (err) {
      const lines = await this.page
        .locator(`${byTestId('waiting')} li`)
        .allTextContents()
        .catch(() => []);
      const raw = await this.page
        .evaluate(
          `new Promise((resolve) => {
        const open = indexedDB.open('orderpulse-rider', 1);
        open.onsuccess = () => { const req = open.result.transaction('outbox').objectStore('outbox').getAll(); req.onsuccess = () => resolve(req.result.map((r) => r.payload)); };
      })`,
        )
        .catch((e: unknown) => String(e));
      throw new Error(`${(err as Error).message}; waiting: ${JSON.stringify(lines)} ${JSON.stringify(raw)}`, { cause: err });
    }
  }

  /** Types the PIN into the delivery's proof panel and presses "Check PIN"; resolves when an answer (checked or refused) shows. */
  async enterPin(orderNumber: string, pin: string): Promise<void> {
    const card = this.card(orderNumber);
    await card.getByLabel("Customer's PIN").fill(pin);
    await card.getByRole('button', { name: 'Check PIN' }).click();
    await card
      .locator(`${byTestId('proof-result')}:visible, ${byTestId('proof-error')}:visible`)
      .first()
      .waitFor({ timeout: CROSS_PROCESS_MS });
  }

  /** The proof panel's refusal, once one shows. */
  async proofError(orderNumber: string): Promise<string> {
    const problem = this.card(orderNumber).locator(byTestId('proof-error'));
    await problem.waitFor({ state: 'visible', timeout: CROSS_PROCESS_MS });
    return (await problem.textContent()) ?? '';
  }

  async waitForProofGiven(orderNumber: string): Promise<void> {
    await this.card(orderNumber)
      .locator(`${byTestId('proof')}[data-given="true"]`)
      .waitFor({ state: 'attached', timeout: CROSS_PROCESS_MS });
  }

  waitForConnection(state: 'live' | 'offline' | 'reconnecting'): Promise<void> {
    return waitForAttribute(this.page, 'connection-state', 'data-state', state);
  }

  /** Offline, or still trying to connect (a page opened without a network may not know it has none). */
  async waitForNotLive(): Promise<void> {
    await this.page.locator(`${byTestId('connection-state')}:not([data-state="live"])`).waitFor({ state: 'attached', timeout: CROSS_PROCESS_MS });
  }

  waitForLocation(state: 'ok' | 'denied' | 'unavailable' | 'waiting' | 'demo'): Promise<void> {
    return waitForAttribute(this.page, 'location-state', 'data-state', state);
  }

  async startRide(orderNumber: string): Promise<void> {
    await this.card(orderNumber).getByRole('button', { name: 'Demo only: simulate a ride to this address' }).click();
    await waitForText(this.page.locator(byTestId('ride-state')), new RegExp(`^Moving at .+ to ${orderNumber}$`), CROSS_PROCESS_MS);
  }
}
