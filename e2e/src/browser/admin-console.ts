import type { Locator, Page } from 'playwright-core';
import { byTestId, CROSS_PROCESS_MS, waitForAttribute, waitForText } from './waits.js';

/** The admin console, as a test drives it: through labels and roles, like a person would. */
export class AdminConsole {
  constructor(readonly page: Page) {}

  async logIn(username: string, password: string): Promise<void> {
    await this.page.getByLabel('Username').fill(username);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.page.locator(byTestId('orders-table')).waitFor({ timeout: CROSS_PROCESS_MS });
    // The feed (admin/orders) is not retained: only what happens after this is shown.
    await waitForAttribute(this.page, 'connection-state', 'data-state', 'live');
  }

  row(orderNumber: string): Locator {
    return this.page.locator(`${byTestId('orders-table')} tr[data-order-number="${orderNumber}"]`);
  }

  waitForRowStatus(orderNumber: string, label: string): Promise<void> {
    return waitForText(this.row(orderNumber).locator(byTestId('row-status')), label);
  }

  async openOrder(orderNumber: string): Promise<void> {
    await this.page.getByRole('button', { name: `Open order ${orderNumber}`, exact: true }).click();
    await waitForText(this.page.locator('#panel-heading'), `Order ${orderNumber}`);
  }

  /** Picks `label` among the allowed next statuses and submits; resolves when the API accepted it. */
  async changeStatus(label: string, extra: { note?: string; trackingNumber?: string } = {}): Promise<void> {
    await this.page.getByLabel('New status').selectOption({ label });
    if (extra.note) await this.page.getByLabel('Note (optional)').fill(extra.note);
    if (extra.trackingNumber) await this.page.getByLabel('Tracking number (optional)').fill(extra.trackingNumber);
    await this.page.locator(byTestId('status-submit')).click();
    await waitForText(this.page.locator(byTestId('status-result')), new RegExp(`^Changed to “${label}”`));
  }

  /** The labels the status select offers. */
  allowedNextStatuses(): Promise<string[]> {
    return this.page.getByLabel('New status').locator('option').allTextContents();
  }

  async addRider(name: string): Promise<void> {
    await this.page.getByLabel('Name', { exact: true }).fill(name);
    await this.page.getByRole('button', { name: 'Add rider' }).click();
    await this.page.locator(`${byTestId('riders-list')} li[data-rider-name="${name}"]`).waitFor({ timeout: CROSS_PROCESS_MS });
  }

  /** Asks for a fresh sign-in link for the rider and reads it from the console. */
  async riderLink(name: string): Promise<string> {
    const rider = this.page.locator(`${byTestId('riders-list')} li[data-rider-name="${name}"]`);
    const riderId = await rider.getAttribute('data-rider-id');
    await this.page.getByRole('button', { name: `Copy link: a sign-in link for ${name}` }).click();
    const link = this.page.locator(`${byTestId('rider-link')}[data-rider-id="${riderId}"]`);
    await link.waitFor({ state: 'visible', timeout: CROSS_PROCESS_MS });
    return link.inputValue();
  }

  /** Waits for the open order's delivery to exist, then assigns the rider to it. */
  async assignRider(name: string): Promise<void> {
    await this.page.getByLabel('Rider', { exact: true }).waitFor({ state: 'visible', timeout: CROSS_PROCESS_MS });
    await this.page.getByLabel('Rider', { exact: true }).selectOption({ label: name });
    await this.page.locator(byTestId('assign-submit')).click();
    await waitForText(this.page.locator(byTestId('assign-result')), `Assigned to ${name}.`);
  }

  waitForDeliveryStatus(label: string): Promise<void> {
    return waitForText(this.page.locator(byTestId('delivery-status')), label);
  }

  waitForFeedEntry(text: string | RegExp): Promise<void> {
    return waitForText(this.page.locator(`${byTestId('event-feed')} li .feed-text`), text);
  }
}
