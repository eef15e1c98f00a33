import { describe, expect, it } from '@jest/globals';
import { deliveryProofUpdatedEventSchema, type DeliveryProof } from '@orderpulse/contracts';
import { applyRiderStatusReport } from '../src/domain/apply-rider-status-report.js';
import { changeDeliveryStatus } from '../src/domain/change-delivery-status.js';
import { createDeliveryForOrder } from '../src/domain/create-delivery.js';
import { PinLockedError, ProofMissingError, ProofNotAskedError, ProofNotNowError, WrongPinError } from '../src/domain/delivery-errors.js';
import { enterPin, forRider, newPin, recordProofFile, requiredProof, unlockPin } from '../src/domain/proof-of-delivery.js';
import { riderAssignments } from '../src/domain/riders.js';
import { anAddress, at } from './support/factories.js';
import { assignedTo, storedDelivery, storedRider } from './support/stored.js';
import { testDeps } from './support/use-case-deps.js';

const PIN = '4821';
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
const pinProof = (): DeliveryProof => ({ required: 'pin', pin: PIN, failedPinAttempts: 0 });

async function onTheRoad(proof: DeliveryProof = pinProof(), status: 'in_transit' | 'assigned' = 'in_transit') {
  const deps = testDeps();
  const rider = await storedRider(deps.store);
  const delivery = await storedDelivery(deps.store, { ...assignedTo(rider, status), proof });
  const stored = async () => (await deps.store.deliveries.findById(delivery.id))!;
  return { deps, rider, delivery, stored };
}

describe('which proof a delivery needs', () => {
  it("when the parcel is handed over, then the shop's choice; left at the door or in a safe place, then a photo; a shop asking none, then none", () => {
    expect(requiredProof('pin', 'hand_to_customer')).toBe('pin');
    expect(requiredProof('signature', undefined)).toBe('signature');
    expect(requiredProof('pin', 'leave_at_door')).toBe('photo');
    expect(requiredProof('signature', 'safe_place')).toBe('photo');
    expect(requiredProof('none', 'leave_at_door')).toBe('none');
  });

  it("when a delivery is created for an order, then it carries the order's instructions and method and a fresh 4-digit PIN", async () => {
    const deps = testDeps({ shopProof: 'pin' });
    const orderId = '5f0c1b1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f';
    await deps.store.orders.remember({ orderId, orderNumber: 'OP-PIN0001', address: anAddress(), instructions: 'Gate code 1234', method: 'hand_to_customer' });
    const { delivery } = await createDeliveryForOrder(deps, { orderId, orderNumber: 'OP-PIN0001' });
    expect(delivery).toMatchObject({ instructions: 'Gate code 1234', method: 'hand_to_customer', proof: { required: 'pin', failedPinAttempts: 0 } });
    expect(delivery.proof?.pin).toMatch(/^[0-9]{4}$/);
    expect(new Set(Array.from({ length: 200 }, newPin)).size).toBeGreaterThan(150);
  });
});

describe('a PIN at the door', () => {
  it('when the rider reports delivered before the PIN, then it is refused; after the right PIN, it is accepted', async () => {
    const { deps, rider, delivery, stored } = await onTheRoad();
    const delivered = { riderId: rider.id, deliveryId: delivery.id, report: { status: 'delivered' as const, at: at(30) } };
    await expect(applyRiderStatusReport(deps, delivered)).rejects.toThrow(ProofMissingError);
    await expect(applyRiderStatusReport(deps, delivered)).rejects.toThrow("needs the customer's PIN entered before it can be marked delivered");

    const entered = await enterPin(deps, { deliveryId: delivery.id, riderId: rider.id, pin: PIN });
    expect(entered.delivery.proof).toMatchObject({ givenAt: expect.any(String), failedPinAttempts: 0 });
    expect(deliveryProofUpdatedEventSchema.parse((await stored()).pendingEvents.at(-1)).data.proof?.givenAt).toBeDefined();
    expect((await applyRiderStatusReport(deps, delivered)).delivery.status).toBe('delivered');
  });

  it('when wrong PINs are entered, then each is refused with the attempts left and counted; the fifth locks it, even for the right PIN, until an admin unlocks', async () => {
    const { deps, rider, delivery, stored } = await onTheRoad();
    for (let left = 4; left >= 1; left -= 1) {
      await expect(enterPin(deps, { deliveryId: delivery.id, riderId: rider.id, pin: '0000' })).rejects.toThrow(
        `(${left} attempt${left === 1 ? '' : 's'} left)`,
      );
    }
    await expect(enterPin(deps, { deliveryId: delivery.id, riderId: rider.id, pin: '0000' })).rejects.toThrow(/no attempts left: the PIN is now locked/);
    expect((await stored()).delivery.proof).toMatchObject({ failedPinAttempts: 5, lockedAt: expect.any(String) });
    await expect(enterPin(deps, { deliveryId: delivery.id, riderId: rider.id, pin: PIN })).rejects.toThrow(PinLockedError);
    expect((await stored()).pendingEvents.filter((e) => e.type === 'delivery.proof_updated')).toHaveLength(5);

    await unlockPin(deps, delivery.id);
    expect((await stored()).delivery.proof).toEqual(pinProof());
    await expect(enterPin(deps, { deliveryId: delivery.id, riderId: rider.id, pin: '1111' })).rejects.toThrow(WrongPinError);
    expect((await enterPin(deps, { deliveryId: delivery.id, riderId: rider.id, pin: PIN })).delivery.proof?.givenAt).toBeDefined();
  });

  it('when the PIN is locked, then an admin can still mark the delivery delivered', async () => {
    const { deps, delivery } = await onTheRoad({ ...pinProof(), failedPinAttempts: 5, lockedAt: at(20) });
    expect((await changeDeliveryStatus(deps, { deliveryId: delivery.id, status: 'delivered', note: 'customer called the shop' })).delivery.status).toBe(
      'delivered',
    );
  });

  it('when another rider, a delivery not yet picked up, or one asking a photo gets a PIN, then it is refused and nothing is counted', async () => {
    const { deps, delivery, stored } = await onTheRoad();
    const other = await storedRider(deps.store);
    await expect(enterPin(deps, { deliveryId: delivery.id, riderId: other.id, pin: PIN })).rejects.toThrow(/not assigned to rider/);
    const early = await onTheRoad(pinProof(), 'assigned');
    await expect(enterPin(early.deps, { deliveryId: early.delivery.id, riderId: early.rider.id, pin: PIN })).rejects.toThrow(ProofNotNowError);
    const photo = await onTheRoad({ required: 'photo', failedPinAttempts: 0 });
    await expect(enterPin(photo.deps, { deliveryId: photo.delivery.id, riderId: photo.rider.id, pin: PIN })).rejects.toThrow(ProofNotAskedError);
    expect((await stored()).delivery.proof?.failedPinAttempts).toBe(0);
  });

  it('when a rider reads the delivery or their assignments, then the PIN is not there; the kind of proof is', async () => {
    const { deps, rider, delivery } = await onTheRoad();
    expect(forRider(delivery).proof).toEqual({ required: 'pin', failedPinAttempts: 0 });
    expect(JSON.stringify(await riderAssignments(deps, rider.id))).not.toContain(PIN);
    expect((await riderAssignments(deps, rider.id)).deliveries[0]?.proof).toEqual({ required: 'pin', given: false, locked: false });
  });
});

describe('a photo or signature of the handover', () => {
  it('when the asked-for image is recorded, then the file is stored, the proof given, and delivered accepted', async () => {
    const { deps, rider, delivery, stored } = await onTheRoad({ required: 'photo', failedPinAttempts: 0 });
    await recordProofFile(deps, { deliveryId: delivery.id, riderId: rider.id, kind: 'photo', file: { contentType: 'image/jpeg', bytes: JPEG } });
    expect((await stored()).delivery.proof).toMatchObject({
      givenAt: expect.any(String),
      file: { kind: 'photo', contentType: 'image/jpeg', bytes: JPEG.length },
    });
    expect((await deps.proofFiles.get(delivery.id))?.bytes.equals(JPEG)).toBe(true);
    const report = { riderId: rider.id, deliveryId: delivery.id, report: { status: 'delivered' as const, at: at(30) } };
    expect((await applyRiderStatusReport(deps, report)).delivery.status).toBe('delivered');
  });

  it('when a signature comes where a photo is asked for, then it is refused and nothing is stored', async () => {
    const { deps, rider, delivery } = await onTheRoad({ required: 'photo', failedPinAttempts: 0 });
    await expect(
      recordProofFile(deps, { deliveryId: delivery.id, riderId: rider.id, kind: 'signature', file: { contentType: 'image/png', bytes: JPEG } }),
    ).rejects.toThrow(ProofNotAskedError);
    expect(await deps.proofFiles.get(delivery.id)).toBeNull();
  });
});
