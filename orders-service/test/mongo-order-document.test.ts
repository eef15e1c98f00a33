import { describe, expect, it } from '@jest/globals';
import mongoose from 'mongoose';
import { orderSchema, toOrderDocument, toOrderSnapshot, type OrderDocument } from '../src/data-access/mongo-order-document.js';
import { anOrder, at, changedTo, createdEventOf } from './support/order-factories.js';

// No MongoDB server runs here, so the mapping and schema are checked through mongoose's own
// casting and validation on an unopened connection; the contract suite covers the queries.
describe('mongo order document', () => {
  const connection = mongoose.createConnection();
  const Orders = connection.model<OrderDocument>('Order', orderSchema);

  async function throughMongoose(doc: OrderDocument): Promise<OrderDocument> {
    const hydrated = new Orders(doc);
    await hydrated.validate();
    return hydrated.toObject() as OrderDocument;
  }

  it('when an order with every optional field goes through the schema, then it maps back to the same snapshot', async () => {
    const order = anOrder({
      deliveryAddress: { line1: '1 Main St', line2: 'Flat 2', city: 'London', postcode: 'N1 9GU', country: 'GB', lat: 51.5, lng: -0.1 },
      trackingNumber: 'TRK-1',
      history: [{ status: 'pending', at: at(0), note: 'gift' }],
    });
    expect(toOrderSnapshot(await throughMongoose(toOrderDocument(order, [])))).toStrictEqual(order);
  });

  it('when optional fields are absent, then they stay absent (not null) after the round trip', async () => {
    const order = anOrder({ deliveryAddress: { line1: '1 Main St', city: 'London', postcode: 'N1 9GU', country: 'GB' } });
    const back = toOrderSnapshot(await throughMongoose(toOrderDocument(order, [])));
    expect(back).toStrictEqual(order);
    expect(Object.keys(back.deliveryAddress)).not.toContain('lat');
  });

  it('when events are pending, then they are stored as plain JSON without undefined keys', async () => {
    const order = anOrder();
    const created = createdEventOf(order);
    const { event } = changedTo(order, 'confirmed', at(1));
    const withUndefinedNote = { ...event, data: { ...event.data, note: undefined } };
    const doc = await throughMongoose(toOrderDocument(order, [created, withUndefinedNote]));
    expect(doc.pendingEvents).toEqual([created, event]);
    expect(Object.keys(doc.pendingEvents[1]!.data)).not.toContain('note');
  });

  it('when a status is not one of the order statuses, then the schema refuses it', async () => {
    const doc = { ...toOrderDocument(anOrder(), []), status: 'lost' } as unknown as OrderDocument;
    await expect(new Orders(doc).validate()).rejects.toMatchObject({ errors: { status: expect.anything() } });
  });
});
