import { describe, expect, it } from '@jest/globals';
import { lookUpTracking } from '../src/domain/look-up-tracking.js';
import { TrackingLookupFailedError } from '../src/domain/order-errors.js';
import { anOrder, createdEventOf } from './support/order-factories.js';
import { testDeps } from './support/use-case-deps.js';

describe('look up tracking', () => {
  async function setUp() {
    const deps = testDeps();
    const order = anOrder({ customer: { name: 'Ada', email: 'Ada@Example.com' } });
    await deps.repository.insert(order, createdEventOf(order));
    return { deps, order };
  }

  it('when the number and email match (any letter case), then the order is returned', async () => {
    const { deps, order } = await setUp();
    expect(await lookUpTracking(deps, { orderNumber: order.orderNumber, email: 'ada@EXAMPLE.com' })).toEqual(order);
  });

  it('when the email is wrong or the number unknown, then both fail as not found with the same message', async () => {
    const { deps, order } = await setUp();
    const wrongEmail = await lookUpTracking(deps, { orderNumber: order.orderNumber, email: 'eve@example.com' }).catch((e: Error) => e);
    const unknown = await lookUpTracking(deps, { orderNumber: 'OP-ZZZZZZZZ', email: 'ada@example.com' }).catch((e: Error) => e);
    expect(wrongEmail).toBeInstanceOf(TrackingLookupFailedError);
    expect(unknown).toBeInstanceOf(TrackingLookupFailedError);
    expect(wrongEmail).toMatchObject({ kind: 'not_found' });
    expect((wrongEmail as Error).message).toBe((unknown as Error).message);
  });
});
