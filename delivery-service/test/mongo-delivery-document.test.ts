import { describe, expect, it } from '@jest/globals';
import mongoose from 'mongoose';
import { deliverySchema, toDeliveryDocument, toDeliverySnapshot, type DeliveryDocument } from '../src/data-access/mongo-delivery-document.js';
import { riderSchema, toRider, type RiderDocument } from '../src/data-access/mongo-riders.js';
import { snapshotEvent } from '../src/domain/delivery-events.js';
import { aDelivery, anAddress, aRider, at } from './support/factories.js';

// The mapping and schemas through mongoose's own casting and validation, without a server; the
// store and outbox contract suites run the queries against MongoDB (FerretDB in CI).
describe('mongo delivery documents', () => {
  const connection = mongoose.createConnection();
  const Deliveries = connection.model<DeliveryDocument>('Delivery', deliverySchema);
  const Riders = connection.model<RiderDocument>('Rider', riderSchema);

  async function throughMongoose(doc: DeliveryDocument): Promise<DeliveryDocument> {
    const hydrated = new Deliveries(doc);
    await hydrated.validate();
    return hydrated.toObject() as DeliveryDocument;
  }

  it('when a delivery with every optional field goes through the schema, then it maps back to the same snapshot', async () => {
    const delivery = aDelivery({
      status: 'failed',
      rider: { id: 'rider-7', name: 'Rosa' },
      address: anAddress({ line2: 'Flat 3' }),
      history: [
        { status: 'awaiting_assignment', at: at(0) },
        { status: 'assigned', at: at(1), note: 'nearest' },
        { status: 'picked_up', at: at(2), lat: 51.45, lng: -2.58, reportId: '6f1e5a5e-8a4b-4c53-9d3f-1c2b3a4d5e6f' },
        { status: 'failed', at: at(3), note: 'nobody home' },
      ],
      lastPosition: { lat: 51.451, lng: -2.59, heading: 270, at: at(3) },
      eta: { at: at(9), minutes: 6.5, distanceKm: 2.1, basedOnPositionAt: at(3) },
      failureReason: 'nobody home',
      arrivingAt: at(3),
      version: 4,
    });
    expect(toDeliverySnapshot(await throughMongoose(toDeliveryDocument(delivery, snapshotEvent('delivery.created', delivery))))).toStrictEqual(delivery);
  });

  it('when optional fields are absent or null, then they stay absent or null after the round trip', async () => {
    const delivery = aDelivery({ address: { line1: '1 Main St', city: 'Leeds', postcode: 'LS1 1AA', country: 'GB' } });
    const back = toDeliverySnapshot(await throughMongoose(toDeliveryDocument(delivery, snapshotEvent('delivery.created', delivery))));
    expect(back).toStrictEqual(delivery);
    expect(back).toMatchObject({ rider: null, lastPosition: null, eta: null, failureReason: null });
    expect(Object.keys(back.address)).not.toContain('lat');
  });

  it('when events are pending, then they are stored as plain JSON, exactly as written', async () => {
    const delivery = aDelivery();
    const created = snapshotEvent('delivery.created', delivery);
    const doc = await throughMongoose(toDeliveryDocument(delivery, created));
    expect(doc.pendingEvents).toEqual([created]);
    expect(doc.outboxSince).toEqual(new Date(created.occurredAt));
  });

  it('when a status is not a delivery status, then the schema refuses it', async () => {
    const doc = { ...toDeliveryDocument(aDelivery(), snapshotEvent('delivery.created', aDelivery())), status: 'lost' } as unknown as DeliveryDocument;
    await expect(new Deliveries(doc).validate()).rejects.toMatchObject({ errors: { status: expect.anything() } });
  });

  it('when a rider goes through its schema, then it maps back, with the phone only when given', async () => {
    for (const rider of [aRider(), aRider({ phone: '+44 7700 900123' })]) {
      const hydrated = new Riders({ _id: rider.id, name: rider.name, ...(rider.phone ? { phone: rider.phone } : {}), createdAt: new Date(rider.createdAt) });
      await hydrated.validate();
      expect(toRider(hydrated.toObject() as RiderDocument)).toStrictEqual(rider);
    }
  });
});
