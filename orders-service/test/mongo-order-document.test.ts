import { describe, expect, it } from '@jest/globals';
import mongoose from 'mongoose';
import { orderSchema, toOrderDocument, toOrderSnapshot, type OrderDocument } from '../src/data-access/mongo-order-document.js';
import { anOrder, at, createdEventOf } from './support/order-factories.js';

// The mapping and schema through mongoose's own casting and validation, without a server; the
// repository and outbox contract suites run the queries against MongoDB (FerretDB in CI).
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
    expect(toOrderSnapshot(await throughMongoose(toOrderDocument(order, createdEventOf(order))))).toStrictEqual(order);
  });

  it('when optional fields are absent, then they stay absent (not null) after the round trip', async () => {
    const order = anOrder({ deliveryAddress: { line1: '1 Main St', city: 'London', postcode: 'N1 9GU', country: 'GB' } });
    const back = toOrderSnapshot(await throughMongoose(toOrderDocument(order, createdEventOf(order))));
    expect(back).toStrictEqual(order);
    expect(Object.keys(back.deliveryAddress)).not.toContain('lat');
  });

  it('when events are pending, then they are stored as plain JSON without undefined keys', async () => {
    const order = anOrder();
    const created = createdEventOf(order);
    const withUndefinedKey = { ...created, data: { ...created.data, trackingNumber: undefined } } as unknown as typeof created;
    const doc = await throughMongoose(toOrderDocument(order, withUndefinedKey));
    expect(doc.pendingEvents).toEqual([{ ...created, data: { ...created.data, trackingNumber: undefined } }]);
    expect(Object.keys(doc.pendingEvents[0]!.data)).not.toContain('trackingNumber');
    expect(doc.outboxSince).toEqual(new Date(created.occurredAt));
  });

  it('when a status is not one of the order statuses, then the schema refuses it', async () => {
    const doc = { ...toOrderDocument(anOrder(), createdEventOf(anOrder())), status: 'lost' } as unknown as OrderDocument;
    await expect(new Orders(doc).validate()).rejects.toMatchObject({ errors: { status: expect.anything() } });
  });
});
