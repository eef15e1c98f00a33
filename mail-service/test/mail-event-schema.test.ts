import { describe, expect, it } from '@jest/globals';
import { mailEventSchema } from '../src/messaging/mail-event-schema.js';
import { aDeliveryOf, anOrder, deliveryEvent, orderCreated } from './support/factories.js';

describe('what the mail-service queue accepts', () => {
  it('when an event of a contract type is valid, then it passes as that event', () => {
    const event = orderCreated(anOrder());
    expect(mailEventSchema.parse(event)).toEqual(event);
  });

  it('when an event of a contract type is malformed, then it is refused naming the field', () => {
    const event = orderCreated(anOrder());
    const result = mailEventSchema.safeParse({ ...event, data: { ...event.data, customer: { name: 'Ada', email: 'not-an-email' } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain('data.customer.email');
  });

  it('when delivery.arriving or delivery.late carries a delivery snapshot, then it passes; with a broken snapshot it is refused', () => {
    const delivery = aDeliveryOf(anOrder());
    for (const type of ['delivery.arriving', 'delivery.late']) {
      const event = deliveryEvent(type, delivery);
      expect(mailEventSchema.parse(event)).toEqual(event);
      expect(mailEventSchema.safeParse({ ...event, data: { ...event.data, status: 'teleported' } }).success).toBe(false);
    }
  });

  it('when an event of a type added later arrives, then a valid envelope is enough; a broken envelope is refused', () => {
    const event = { ...deliveryEvent('delivery.proof_recorded', aDeliveryOf(anOrder())), data: { photo: 'p.jpg' } };
    expect(mailEventSchema.parse(event)).toEqual(event);
    expect(mailEventSchema.safeParse({ ...event, orderId: 'x' }).success).toBe(false);
    expect(mailEventSchema.safeParse({ ...event, type: 'billing.charged' }).success).toBe(false);
    expect(mailEventSchema.safeParse('just a string').success).toBe(false);
  });
});
