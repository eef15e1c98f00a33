import { describe, expect, it } from '@jest/globals';
import { riderAssignmentsMessageSchema } from '@orderpulse/contracts';
import { createTokenService, DEV_JWT_SECRET } from '@orderpulse/service-kit';
import { RiderAlreadyExistsError, RiderNotFoundError } from '../src/domain/delivery-errors.js';
import { issueRiderToken } from '../src/domain/issue-rider-token.js';
import { registerRider, riderAssignments } from '../src/domain/riders.js';
import { at } from './support/factories.js';
import { assignedTo, storedDelivery, storedRider } from './support/stored.js';
import { testDeps } from './support/use-case-deps.js';

const NOW = new Date('2026-11-26T12:00:00.000Z');

describe('riders', () => {
  it('when a rider is registered without an id, then one is generated and the rider is stored', async () => {
    const deps = testDeps({ now: NOW });
    const rider = await registerRider(deps, { name: 'Rosa', phone: '+44 7700 900123' });
    expect(rider).toEqual({ id: expect.stringMatching(/^r-[0-9a-f]{10}$/), name: 'Rosa', phone: '+44 7700 900123', createdAt: NOW.toISOString() });
    expect(await deps.store.riders.findById(rider.id)).toEqual(rider);
  });

  it('when the id is taken, then it is a conflict and the first rider stays', async () => {
    const deps = testDeps();
    const first = await registerRider(deps, { id: 'rosa', name: 'Rosa' });
    const error = await registerRider(deps, { id: 'rosa', name: 'Impostor' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RiderAlreadyExistsError);
    expect(error).toMatchObject({ kind: 'conflict' });
    expect(await deps.store.riders.findById('rosa')).toEqual(first);
  });

  it('when a token is issued, then it verifies as a rider token for that rider and expires when it says', async () => {
    const deps = testDeps({ now: NOW });
    const tokens = createTokenService(DEV_JWT_SECRET, () => NOW.getTime());
    const rider = await storedRider(deps.store);

    const issued = await issueRiderToken({ ...deps, tokens, ttlSeconds: 3600 }, rider.id);

    expect(issued.expiresAt).toBe('2026-11-26T13:00:00.000Z');
    expect(await tokens.verify(issued.token)).toEqual({
      role: 'rider',
      sub: rider.id,
      riderId: rider.id,
      name: rider.name,
      exp: Date.parse(issued.expiresAt) / 1000,
    });
  });

  it('when a token is asked for an unknown rider, then it is not found', async () => {
    const deps = testDeps();
    const tokens = createTokenService(DEV_JWT_SECRET);
    await expect(issueRiderToken({ ...deps, tokens, ttlSeconds: 60 }, 'nobody')).rejects.toBeInstanceOf(RiderNotFoundError);
  });

  it("when a rider has deliveries in every status, then the assignments list only the open ones, oldest first, in the contract's shape", async () => {
    const deps = testDeps({ now: NOW });
    const rider = await storedRider(deps.store);
    const someoneElse = await storedRider(deps.store);
    const second = await storedDelivery(deps.store, { ...assignedTo(rider, 'in_transit'), createdAt: at(2) });
    const first = await storedDelivery(deps.store, { ...assignedTo(rider, 'assigned'), createdAt: at(1) });
    const third = await storedDelivery(deps.store, { ...assignedTo(rider, 'picked_up'), createdAt: at(3) });
    await storedDelivery(deps.store, { ...assignedTo(rider), status: 'delivered', createdAt: at(4) });
    await storedDelivery(deps.store, { ...assignedTo(rider), status: 'failed', createdAt: at(5) });
    await storedDelivery(deps.store, { ...assignedTo(someoneElse), createdAt: at(6) });

    const message = riderAssignmentsMessageSchema.parse(await riderAssignments(deps, rider.id));

    expect(message.riderId).toBe(rider.id);
    expect(message.updatedAt).toBe(NOW.toISOString());
    expect(message.deliveries).toEqual(
      [first, second, third].map((d) => ({ deliveryId: d.id, orderId: d.orderId, orderNumber: d.orderNumber, status: d.status, address: d.address })),
    );
  });

  it('when the rider is unknown, then the assignments are not found', async () => {
    await expect(riderAssignments(testDeps(), 'nobody')).rejects.toBeInstanceOf(RiderNotFoundError);
  });
});
