import type { Page } from 'playwright-core';
import { byTestId, CROSS_PROCESS_MS, waitForAttribute, waitForText } from './waits.js';

/** The customer's tracking page, as a test drives it. */
export class TrackPage {
  constructor(readonly page: Page) {}

  static url(webUrl: string, orderId: string, token: string): string {
    return `${webUrl}/track/${orderId}?t=${encodeURIComponent(token)}`;
  }

  waitForStatus(label: string): Promise<void> {
    return waitForText(this.page.locator(byTestId('order-status')), label);
  }

  waitForConnection(state: 'live' | 'reconnecting' | 'polling' | 'offline'): Promise<void> {
    return waitForAttribute(this.page, 'connection-state', 'data-state', state);
  }

  waitForRider(name: string): Promise<void> {
    return waitForText(this.page.locator(byTestId('rider-name')), name);
  }

  waitForDeliveryStatus(label: string): Promise<void> {
    return waitForText(this.page.locator(byTestId('delivery-status')), label);
  }

  /** A timeline entry of the order (`order`) or the delivery (`delivery`) with that status. */
  async waitForTimelineEntry(source: 'order' | 'delivery', status: string): Promise<string> {
    const entry = this.page.locator(`${byTestId('timeline')} li[data-source="${source}"][data-status="${status}"]`);
    await entry.waitFor({ state: 'visible', timeout: CROSS_PROCESS_MS });
    return (await entry.textContent()) ?? '';
  }

  /** Waits until the live map (not the plot) shows the rider at `lat,lng`. */
  async waitForMapRider(point: { lat: number; lng: number }, timeoutMs = CROSS_PROCESS_MS): Promise<void> {
    await this.page
      .locator(`${byTestId('delivery-map')}[data-state="ready"][data-rider="${point.lat},${point.lng}"]`)
      .waitFor({ state: 'attached', timeout: timeoutMs });
  }

  /** The way the rider came as the map draws it, oldest first. */
  async mapPath(): Promise<Array<{ lat: number; lng: number }>> {
    const path = (await this.page.locator(byTestId('delivery-map')).getAttribute('data-path')) ?? '';
    return path
      .split(' ')
      .filter(Boolean)
      .map((p) => {
        const [lat, lng] = p.split(',').map(Number) as [number, number];
        return { lat, lng };
      });
  }

  /** The rider's plotted position once it is drawn (the plot: no map tile source configured). */
  async waitForPosition(): Promise<{ lat: number; lng: number; description: string }> {
    const plot = this.page.locator(byTestId('rider-position'));
    await plot.locator('svg').waitFor({ state: 'visible', timeout: CROSS_PROCESS_MS });
    return {
      lat: Number(await plot.getAttribute('data-lat')),
      lng: Number(await plot.getAttribute('data-lng')),
      description: (await plot.locator('svg').getAttribute('aria-label')) ?? '',
    };
  }

  text(testId: string): Promise<string | null> {
    return this.page.locator(byTestId(testId)).textContent();
  }
}
