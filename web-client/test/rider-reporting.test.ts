import { describe, expect, it } from '@jest/globals';
import { topics } from '@orderpulse/contracts';
import type { Assignment } from '../src/apps/rider/delivery-card.js';
import { DeviceLocation, type GeolocationLike } from '../src/apps/rider/device-location.js';
import { OutboxSender } from '../src/apps/rider/outbox-sender.js';
import { MemoryOutboxStorage, ReportOutbox } from '../src/apps/rider/report-outbox.js';
import { RiderReporting } from '../src/apps/rider/rider-reporting.js';
import { FakeTimers, flush } from './support/fake-timers.js';

const RIDER = 'rider-rosa';
const DELIVERY = '3f1c8a52-9a7e-4a31-9a55-2d6b1f1e8c11';
const NOW = Date.parse('2026-11-26T11:00:00.000Z');

function anAssignment(status: Assignment['status']): Assignment {
  return {
    deliveryId: DELIVERY,
    orderId: '7936cca0-44b0-499c-844c-e0bc1bd41172',
    orderNumber: 'OP-7K2M9Q',
    status,
    address: { line1: '12 Harbour Road', city: 'Bristol', postcode: 'BS1 5TY', country: 'GB', lat: 51.4495, lng: -2.5966 },
  };
}

/** The device's position, moved by the test as Playwright's geolocation emulation would. */
class Geolocation implements GeolocationLike {
  private listener: PositionCallback | undefined;
  watchPosition(success: PositionCallback): number {
    this.listener = success;
    return 1;
  }
  clearWatch(): void {}
  at(latitude: number, at: number) {
    this.listener?.({ coords: { latitude, longitude: -2.59, accuracy: 5, heading: null } as GeolocationCoordinates, timestamp: at } as GeolocationPosition);
  }
}

async function setup(storage = new MemoryOutboxStorage(), start = 0) {
  const timers = new FakeTimers();
  timers.advance(start);
  const now = () => NOW + timers.time;
  const outbox = new ReportOutbox(storage, RIDER, () => crypto.randomUUID(), now);
  await outbox.load();
  const published: unknown[] = [];
  let live = false;
  const sender = new OutboxSender({
    outbox,
    publish: (_t, p) => {
      published.push(p);
      return Promise.resolve();
    },
    isLive: () => live,
  });
  const geolocation = new Geolocation();
  const device = new DeviceLocation(geolocation, undefined);
  const reporting = new RiderReporting({ riderId: RIDER, outbox, sender, device, now, timers });
  device.start();
  return { storage, outbox, reporting, timers, now, geolocation, goLive: () => ((live = true), sender.kick()) };
}

describe('RiderReporting', () => {
  it('when the rider reports picked up offline, then the card shows it at once as not sent, positions start, and the report carries the position', async () => {
    const { outbox, reporting, geolocation, timers, now } = await setup();
    reporting.setAssignments([anAssignment('assigned')]);
    geolocation.at(51.46, now());
    expect(reporting.isCarrying()).toBe(false);
    expect(outbox.waiting).toEqual([]);

    await reporting.reportStatus(anAssignment('assigned'), 'picked_up');
    expect(reporting.statusOf(anAssignment('assigned'))).toBe('picked_up');
    expect(reporting.reportedFor(DELIVERY)).toMatchObject({ status: 'picked_up', sent: false });
    expect(outbox.waiting[0]?.payload).toMatchObject({ status: 'picked_up', lat: 51.46, lng: -2.59 });
    expect(outbox.waiting[0]?.topic).toBe(topics.riderDeliveryStatus(RIDER, DELIVERY));

    // Too soon after the status report: it goes when the minimum interval has passed.
    geolocation.at(51.47, now());
    await flush();
    expect(outbox.waiting.map((r) => r.kind)).toEqual(['status']);
    timers.advance(2_000);
    await flush();
    expect(outbox.waiting.map((r) => r.kind)).toEqual(['status', 'location']);
  });

  it('when the app reopens with positions waiting and the device is still there, then that place is not reported again', async () => {
    const first = await setup();
    first.reporting.setAssignments([anAssignment('picked_up')]);
    first.geolocation.at(51.46, first.now());
    await flush();
    expect(first.outbox.waiting).toHaveLength(1);

    // Reopened 5 s later: the same place is no news; 40 s later it is (a sign of life).
    const reopened = await setup(first.storage, 5_000);
    reopened.reporting.setAssignments([anAssignment('picked_up')]);
    reopened.geolocation.at(51.46, reopened.now());
    await flush();
    expect(reopened.outbox.waiting).toHaveLength(1);
    const later = await setup(first.storage, 40_000);
    later.reporting.setAssignments([anAssignment('picked_up')]);
    later.geolocation.at(51.46, later.now());
    await flush();
    expect(later.outbox.waiting).toHaveLength(2);
  });

  it('when the report is acknowledged and the assignments catch up, then it is no longer pending', async () => {
    const { reporting, goLive } = await setup();
    reporting.setAssignments([anAssignment('assigned')]);
    await reporting.reportStatus(anAssignment('assigned'), 'picked_up');
    goLive();
    await flush();
    expect(reporting.reportedFor(DELIVERY)).toMatchObject({ sent: true });
    reporting.setAssignments([anAssignment('picked_up')]);
    expect(reporting.reportedFor(DELIVERY)).toBeUndefined();
    expect(reporting.statusOf(anAssignment('picked_up'))).toBe('picked_up');
  });
});
