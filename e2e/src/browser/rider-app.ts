import type { Locator, Page } from 'playwright-core';
import { byTestId, CROSS_PROCESS_MS, waitForText } from './waits.js';

/** The rider app, as a test drives it. */
export class RiderApp {
  constructor(readonly page: Page) {}

  card(orderNumber: string): Locator {
    return this.page.locator(`${byTestId('assignments')} li[data-order-number="${orderNumber}"]`);
  }

  waitForDelivery(orderNumber: string, statusLabel: string): Promise<void> {
    return waitForText(this.card(orderNumber).locator(byTestId('delivery-status')), statusLabel);
  }

  /** Presses a progress button; resolves once the broker has acknowledged the report. */
  async report(orderNumber: string, action: 'Picked up' | 'In transit' | 'Delivered'): Promise<void> {
    const card = this.card(orderNumber);
    await card.getByRole('button', { name: action, exact: true }).click();
    await waitForText(card.locator(byTestId('report-result')), new RegExp(`^Sent “`));
  }

  async startRide(orderNumber: string): Promise<void> {
    await this.card(orderNumber).getByRole('button', { name: 'Simulate ride to this address' }).click();
    await waitForText(this.page.locator(byTestId('ride-state')), new RegExp(`^Moving at .+ to ${orderNumber}$`), CROSS_PROCESS_MS);
  }
}
