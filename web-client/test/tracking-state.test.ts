import { describe, expect, it } from '@jest/globals';
import { greatCircleKm } from '@orderpulse/contracts';
import { TrackingState } from '../src/apps/track/tracking-state.js';
import { buildTimeline } from '../src/apps/track/timeline.js';
import { aLocation, aSnapshot, aStatusMessage, aTrackingMessage } from './support/factories.js';

const ORDER = '3f1c8a52-9a7e-4a31-9a55-2d6b1f1e8c11';

describe('TrackingState', () => {
  it('when a snapshot arrives, then the order, its history and the destination are known', () => {
    const state = new TrackingState(ORDER);
    expect(state.applySnapshot(aSnapshot({ id: ORDER }))).toBe(true);
    expect(state.order).toMatchObject({ status: 'confirmed', version: 2 });
    expect(state.order?.history.map((h) => h.status)).toEqual(['pending', 'confirmed']);
    expect(state.destination).toEqual({ lat: 51.4495, lng: -2.5966, label: '12 Harbour Road, Bristol' });
  });

  it('when the snapshot arrives, then the items and the delivery address are kept, and later status messages keep them', () => {
    const state = new TrackingState(ORDER);
    state.applySnapshot(aSnapshot({ id: ORDER }));
    state.applyStatus(aStatusMessage({ orderId: ORDER, status: 'shipped', version: 9 }));
    expect(state.contents).toEqual({
      items: [expect.objectContaining({ name: 'Enamel mug', quantity: 1 })],
      deliveryAddress: expect.objectContaining({ line1: '12 Harbour Road' }),
    });
  });

  it('when a position and an ETA from an older position are both known, then the one distance is great-circle from the newest position', () => {
    const state = new TrackingState(ORDER);
    const eta = { at: '2026-11-26T11:20:00.000Z', minutes: 7, distanceKm: 1.1, basedOnPositionAt: '2026-11-26T11:09:00.000Z' };
    state.applyTracking(aTrackingMessage({ orderId: ORDER, status: 'in_transit', eta, version: 3 }));
    expect(state.distanceKm).toBe(1.1);
    state.applySnapshot(aSnapshot({ id: ORDER }));
    state.applyLocation(aLocation({ lat: 51.4555, lng: -2.5879, at: '2026-11-26T11:10:00.000Z' }));
    expect(state.distanceKm).toBeCloseTo(greatCircleKm({ lat: 51.4555, lng: -2.5879 }, { lat: 51.4495, lng: -2.5966 }), 9);
  });

  it('when HTTP and MQTT answers interleave, then the version never goes back', () => {
    const state = new TrackingState(ORDER);
    expect(state.applyStatus(aStatusMessage({ orderId: ORDER, status: 'shipped', version: 4, updatedAt: '2026-11-26T12:00:00.000Z' }))).toBe(true);
    // A poll answered before the change arrives after it.
    expect(state.applySnapshot(aSnapshot({ id: ORDER, status: 'confirmed', version: 2 }))).toBe(true); // the destination only
    expect(state.order).toMatchObject({ status: 'shipped', version: 4 });
    expect(state.applyStatus(aStatusMessage({ orderId: ORDER, status: 'processing', version: 3 }))).toBe(false);
    expect(state.applySnapshot(aSnapshot({ id: ORDER, status: 'confirmed', version: 2 }))).toBe(false);
    expect(state.order?.status).toBe('shipped');
  });

  it('when a status message follows a snapshot, then its change joins the history', () => {
    const state = new TrackingState(ORDER);
    state.applySnapshot(aSnapshot({ id: ORDER }));
    state.applyStatus(aStatusMessage({ orderId: ORDER, status: 'processing', version: 3, updatedAt: '2026-11-26T10:30:00.000Z' }));
    expect(state.order?.history.map((h) => `${h.status}@${h.at}`)).toEqual([
      'pending@2026-11-26T10:00:00.000Z',
      'confirmed@2026-11-26T10:05:00.000Z',
      'processing@2026-11-26T10:30:00.000Z',
    ]);
  });

  it('when messages are about another order, then they are ignored', () => {
    const state = new TrackingState(ORDER);
    expect(state.applyStatus(aStatusMessage())).toBe(false);
    expect(state.applySnapshot(aSnapshot())).toBe(false);
    expect(state.applyTracking(aTrackingMessage())).toBe(false);
  });

  it('when tracking versions go back, then the newer one stays; a new delivery replaces the old', () => {
    const state = new TrackingState(ORDER);
    const first = aTrackingMessage({ orderId: ORDER, version: 3, status: 'picked_up' });
    expect(state.applyTracking(first)).toBe(true);
    expect(state.applyTracking({ ...first, version: 2, status: 'assigned' })).toBe(false);
    expect(state.applyTracking(aTrackingMessage({ orderId: ORDER, version: 1, status: 'awaiting_assignment' }))).toBe(true);
  });

  it('when positions arrive, then only newer ones count and earlier ones form the trail', () => {
    const state = new TrackingState(ORDER);
    state.applyLocation(aLocation({ lat: 51.1, at: '2026-11-26T11:10:00.000Z', version: 4 }));
    state.applyLocation(aLocation({ lat: 51.2, at: '2026-11-26T11:10:01.000Z', version: 5 }));
    expect(state.applyLocation(aLocation({ lat: 50, at: '2026-11-26T11:09:00.000Z', version: 3 }))).toBe(false);
    expect(state.applyLocation(aLocation({ lat: 50, at: '2026-11-26T11:10:01.000Z' }))).toBe(false);
    expect(state.location?.lat).toBe(51.2);
    expect(state.trail.map((p) => p.lat)).toEqual([51.1]);
  });

  it('when both tracking and location carry an ETA, then the one from the newer position is shown, and only on the way', () => {
    const state = new TrackingState(ORDER);
    const older = { at: '2026-11-26T11:30:00.000Z', minutes: 20, distanceKm: 5, basedOnPositionAt: '2026-11-26T11:10:00.000Z' };
    const newer = { at: '2026-11-26T11:25:00.000Z', minutes: 14, distanceKm: 3, basedOnPositionAt: '2026-11-26T11:11:00.000Z' };
    state.applyTracking(aTrackingMessage({ orderId: ORDER, status: 'in_transit', eta: older }));
    state.applyLocation(aLocation({ at: '2026-11-26T11:11:00.000Z', eta: newer }));
    expect(state.eta).toEqual(newer);
    expect(state.positionAt).toBe('2026-11-26T11:11:00.000Z');
    state.applyTracking(aTrackingMessage({ orderId: ORDER, status: 'delivered', version: 9, deliveryId: state.tracking?.deliveryId as string }));
    expect(state.eta).toBeUndefined();
  });
});

describe('buildTimeline', () => {
  it('when order and delivery history both exist, then they merge newest first with the rider named', () => {
    const state = new TrackingState(ORDER);
    state.applySnapshot(aSnapshot({ id: ORDER }));
    state.applyTracking(
      aTrackingMessage({
        orderId: ORDER,
        status: 'failed',
        failureReason: 'nobody home',
        history: [
          { status: 'assigned', at: '2026-11-26T11:01:00.000Z' },
          { status: 'picked_up', at: '2026-11-26T11:05:00.000Z' },
          { status: 'failed', at: '2026-11-26T11:30:00.000Z' },
        ],
      }),
    );
    const timeline = buildTimeline(state.order, state.tracking);
    expect(timeline.map((e) => [e.source, e.title])).toEqual([
      ['delivery', 'Delivery attempt failed'],
      ['delivery', 'Picked up by Rosa Parks'],
      ['delivery', 'Rider assigned: Rosa Parks'],
      ['order', 'Confirmed'],
      ['order', 'Order placed'],
    ]);
    expect(timeline[0]?.detail).toBe('nobody home');
  });

  it('when nothing is known, then the timeline is empty', () => {
    expect(buildTimeline(undefined, undefined)).toEqual([]);
  });
});
