import { describe, it, expect } from '@jest/globals';
import { estimateArrival, greatCircleKm, tokenClaimsSchema } from '../src/index.js';

describe('great-circle distance and ETA', () => {
  it('when measuring London to Paris, then it is about 343.5 km', () => {
    expect(greatCircleKm({ lat: 51.5074, lng: -0.1278 }, { lat: 48.8566, lng: 2.3522 })).toBeCloseTo(343.5, 0);
  });

  it('when the rider is 10 km away at 20 km/h, then the ETA is 30 minutes after the position', () => {
    const from = { lat: 0, lng: 0, at: '2026-11-26T10:00:00.000Z' };
    const to = { lat: 0, lng: 10 / 111.195 };
    const eta = estimateArrival(from, to, 20);
    expect(eta.minutes).toBeCloseTo(30, 0);
    expect(eta.at).toBe('2026-11-26T10:30:00.000Z');
    expect(eta.basedOnPositionAt).toBe(from.at);
  });
});

describe('token claims', () => {
  it('when a customer token names its order, then it parses', () => {
    const claims = tokenClaimsSchema.parse({ role: 'customer', sub: 'c1', orderId: '3f1c8a52-9a7e-4a31-9a55-2d6b1f1e8c11' });
    expect(claims.role).toBe('customer');
  });

  it('when a customer token has no order or a rider token has no rider, then it is refused', () => {
    expect(tokenClaimsSchema.safeParse({ role: 'customer', sub: 'c1' }).success).toBe(false);
    expect(tokenClaimsSchema.safeParse({ role: 'rider', sub: 'r', riderId: 'a/b' }).success).toBe(false);
    expect(tokenClaimsSchema.safeParse({ role: 'superuser', sub: 'x' }).success).toBe(false);
  });
});
