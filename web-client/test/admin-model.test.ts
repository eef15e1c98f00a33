import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { AdminSession } from '../src/apps/admin/admin-session.js';
import { describeFeedEntry, replacesPrevious } from '../src/apps/admin/feed-text.js';
import { OrdersStore } from '../src/apps/admin/orders-store.js';
import { aSnapshot, aStatusMessage } from './support/factories.js';

function memoryStorage() {
  const map = new Map<string, string>();
  return {
    map,
    storage: {
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
      removeItem: (k: string) => void map.delete(k),
    },
  };
}

describe('OrdersStore', () => {
  it('when snapshots and status messages arrive in any order, then each row keeps its newest version and its details', () => {
    const store = new OrdersStore();
    const changed: string[][] = [];
    store.on('changed', (ids) => changed.push(ids));
    const id = randomUUID();
    expect(store.applyStatus(aStatusMessage({ orderId: id, status: 'processing', version: 3 }))).toBe(true);
    store.upsertSnapshot(aSnapshot({ id, status: 'confirmed', version: 2 }));
    expect(store.get(id)).toMatchObject({ status: 'processing', version: 3, customerName: 'Grace Hopper', city: 'Bristol' });
    expect(store.applyStatus(aStatusMessage({ orderId: id, status: 'confirmed', version: 2 }))).toBe(false);
    expect(store.applyStatus(aStatusMessage({ orderId: id, status: 'shipped', version: 4 }))).toBe(false);
    expect(store.get(id)?.status).toBe('shipped');
    expect(changed).toEqual([[id], [id], [id]]);
  });

  it('when queried, then it filters by status and order number and lists newest first', () => {
    const store = new OrdersStore();
    store.upsertSnapshots([
      aSnapshot({ orderNumber: 'OP-AAAAAA', status: 'pending', createdAt: '2026-11-26T10:00:00.000Z' }),
      aSnapshot({ orderNumber: 'OP-BBBBBB', status: 'pending', createdAt: '2026-11-26T11:00:00.000Z' }),
      aSnapshot({ orderNumber: 'OP-ABCDEF', status: 'shipped', createdAt: '2026-11-26T12:00:00.000Z' }),
    ]);
    expect(store.query().map((r) => r.orderNumber)).toEqual(['OP-ABCDEF', 'OP-BBBBBB', 'OP-AAAAAA']);
    expect(store.query({ status: 'pending' }).map((r) => r.orderNumber)).toEqual(['OP-BBBBBB', 'OP-AAAAAA']);
    expect(store.query({ search: ' op-a' }).map((r) => r.orderNumber)).toEqual(['OP-ABCDEF', 'OP-AAAAAA']);
    expect(store.query({ status: 'shipped', search: 'bbb' })).toEqual([]);
  });
});

describe('AdminSession', () => {
  it('when saved, then it is read back until it expires, and then it is gone', () => {
    const { storage, map } = memoryStorage();
    let now = Date.parse('2026-11-26T10:00:00.000Z');
    const session = new AdminSession(storage, () => now);
    session.save({ token: 'tok', expiresAt: '2026-11-26T11:00:00.000Z' });
    expect(session.token).toBe('tok');
    now = Date.parse('2026-11-26T11:00:00.000Z');
    expect(session.current()).toBeUndefined();
    expect(map.size).toBe(0);
  });

  it('when the stored value is garbage, then there is no session', () => {
    const { storage, map } = memoryStorage();
    map.set('orderpulse:admin-session', '{nope');
    expect(new AdminSession(storage).current()).toBeUndefined();
  });

  it('when there is no storage, then there is no session and nothing throws', () => {
    const session = new AdminSession(undefined);
    session.save({ token: 'x', expiresAt: '2999-01-01T00:00:00.000Z' });
    expect(session.current()).toBeUndefined();
  });
});

describe('admin feed text', () => {
  const base = { eventId: randomUUID(), orderId: randomUUID(), version: 2, occurredAt: '2026-11-26T10:00:00.000Z' };
  it.each([
    [{ type: 'order.created', orderNumber: 'OP-AAAAAA', data: {} }, 'New order OP-AAAAAA'],
    [{ type: 'order.status_changed', orderNumber: 'OP-AAAAAA', data: { from: 'pending', to: 'confirmed' } }, 'OP-AAAAAA: Order placed → Confirmed'],
    [{ type: 'delivery.assigned', orderNumber: 'OP-AAAAAA', data: { rider: { name: 'Rosa' } } }, 'OP-AAAAAA: assigned to Rosa'],
    [{ type: 'delivery.status_changed', orderNumber: 'OP-AAAAAA', status: 'in_transit', data: {} }, 'OP-AAAAAA: delivery on the way'],
    [
      { type: 'delivery.location_updated', orderNumber: 'OP-AAAAAA', data: { lat: 51.45, lng: -2.59, eta: { distanceKm: 0.978 } } },
      'OP-AAAAAA: rider 978 m from the address',
    ],
    [{ type: 'delivery.location_updated', orderNumber: 'OP-AAAAAA', data: { lat: 51.45, lng: -2.59 } }, 'OP-AAAAAA: rider moved'],
    [{ type: 'delivery.arriving', orderNumber: 'OP-AAAAAA', data: { rider: { name: 'Rosa' } } }, 'OP-AAAAAA: Rosa is arriving (near the address)'],
    [
      { type: 'delivery.proof_updated', orderNumber: 'OP-AAAAAA', data: { proof: { required: 'pin', failedPinAttempts: 2 } } },
      'OP-AAAAAA: wrong PIN entered (2)',
    ],
    [
      {
        type: 'delivery.proof_updated',
        orderNumber: 'OP-AAAAAA',
        data: { proof: { required: 'pin', failedPinAttempts: 5, lockedAt: '2026-11-26T10:00:00.000Z' } },
      },
      'OP-AAAAAA: PIN locked after 5 wrong ones',
    ],
    [{ type: 'delivery.proof_updated', orderNumber: 'OP-AAAAAA', data: { proof: { required: 'pin', failedPinAttempts: 0 } } }, 'OP-AAAAAA: PIN unlocked'],
    [
      {
        type: 'delivery.proof_updated',
        orderNumber: 'OP-AAAAAA',
        data: { proof: { required: 'pin', failedPinAttempts: 1, givenAt: '2026-11-26T10:00:00.000Z' } },
      },
      'OP-AAAAAA: PIN entered by the rider',
    ],
    [
      {
        type: 'delivery.proof_updated',
        orderNumber: 'OP-AAAAAA',
        data: { proof: { required: 'photo', failedPinAttempts: 0, givenAt: '2026-11-26T10:00:00.000Z', file: { kind: 'photo' } } },
      },
      'OP-AAAAAA: photo of the handover stored',
    ],
    [{ type: 'something.new', orderNumber: 'OP-AAAAAA', data: null }, 'OP-AAAAAA: something.new'],
  ])('when the entry is %j, then the line reads %s', (entry, text) => {
    expect(describeFeedEntry({ ...base, ...entry })).toBe(text);
  });

  it('when an entry has no order number, then the console looks it up', () => {
    const entry = { ...base, type: 'delivery.location_updated', data: { lat: 1, lng: 2 } };
    expect(describeFeedEntry(entry, (id) => (id === base.orderId ? 'OP-KNOWN1' : undefined))).toBe('OP-KNOWN1: rider moved');
    expect(describeFeedEntry(entry)).toBe(`order ${base.orderId.slice(0, 8)}: rider moved`);
  });

  it('when positions of one order follow each other, then the newer replaces the older', () => {
    const a = { ...base, type: 'delivery.location_updated', data: {} };
    expect(replacesPrevious(a, { ...a, eventId: randomUUID() })).toBe(true);
    expect(replacesPrevious(a, { ...a, orderId: randomUUID() })).toBe(false);
    expect(replacesPrevious({ ...a, type: 'order.created' }, a)).toBe(false);
  });
});
