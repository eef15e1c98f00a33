import { describe, expect, it } from '@jest/globals';
import { estimateArrival } from '@orderpulse/contracts';
import { etaFor, withPosition, withStatus } from '../src/domain/delivery-changes.js';
import { aDelivery, at } from './support/factories.js';

const NOW = new Date('2026-11-26T12:00:00.000Z');
const SPEED = 20;
const rider = { id: 'rosa', name: 'Rosa' };
const position = { lat: 51.46, lng: -2.58, at: at(5) };

describe('delivery changes and the ETA', () => {
  it('when a picked-up delivery gets a position and its address has coordinates, then the ETA is estimated from it', () => {
    const current = aDelivery({ status: 'picked_up', rider });
    const next = withPosition(current, position, NOW, SPEED);
    expect(next).toMatchObject({ lastPosition: position, version: 2, updatedAt: NOW.toISOString() });
    expect(next.eta).toEqual(estimateArrival(position, { lat: current.address.lat!, lng: current.address.lng! }, SPEED));
    expect(next.eta?.basedOnPositionAt).toBe(position.at);
    expect(next.eta!.distanceKm).toBeGreaterThan(1);
  });

  it('when the address has no coordinates, then there is no ETA', () => {
    const current = aDelivery({ status: 'in_transit', rider, address: { line1: '1 Main St', city: 'Leeds', postcode: 'LS1 1AA', country: 'GB' } });
    expect(withPosition(current, position, NOW, SPEED).eta).toBeNull();
  });

  it('when the delivery is not on its way (assigned, delivered, failed), then there is no ETA even with a position', () => {
    for (const status of ['assigned', 'delivered', 'failed'] as const) {
      expect(etaFor({ status, address: aDelivery().address, lastPosition: position }, SPEED)).toBeNull();
    }
  });

  it('when a delivery is delivered, then its ETA is cleared and the history gets the entry', () => {
    const moving = withPosition(aDelivery({ status: 'in_transit', rider }), position, NOW, SPEED);
    const done = withStatus(moving, { status: 'delivered', at: at(9), note: 'left with neighbour' }, NOW, SPEED);
    expect(done.eta).toBeNull();
    expect(done.history.at(-1)).toEqual({ status: 'delivered', at: at(9), note: 'left with neighbour' });
    expect(done.version).toBe(moving.version + 1);
  });

  it('when a status report carries a newer position, then it becomes the last position and feeds the ETA', () => {
    const current = aDelivery({ status: 'assigned', rider, lastPosition: { lat: 51.0, lng: -2.0, at: at(1) } });
    const next = withStatus(current, { status: 'picked_up', at: at(5), position }, NOW, SPEED);
    expect(next.lastPosition).toEqual(position);
    expect(next.history.at(-1)).toEqual({ status: 'picked_up', at: at(5), lat: position.lat, lng: position.lng });
    expect(next.eta?.basedOnPositionAt).toBe(position.at);
  });

  it('when a status report carries an older position, then the last position stays', () => {
    const newer = { lat: 51.0, lng: -2.0, at: at(8) };
    const current = aDelivery({ status: 'picked_up', rider, lastPosition: newer });
    expect(withStatus(current, { status: 'in_transit', at: at(9), position }, NOW, SPEED).lastPosition).toEqual(newer);
  });

  it('when a delivery fails, then the reason is kept, falling back to the note', () => {
    const current = aDelivery({ status: 'assigned', rider });
    expect(withStatus(current, { status: 'failed', at: at(2), reason: 'address not found', note: 'tried twice' }, NOW, SPEED).failureReason).toBe(
      'address not found',
    );
    expect(withStatus(current, { status: 'failed', at: at(2), note: 'dog' }, NOW, SPEED).failureReason).toBe('dog');
    expect(withStatus(current, { status: 'picked_up', at: at(2) }, NOW, SPEED).failureReason).toBeNull();
  });
});
