import { describe, expect, it } from '@jest/globals';
import { greatCircleKm, type RiderLocationReport } from '@orderpulse/contracts';
import { riderAccess, RiderSession, RIDER_TOKEN_KEY } from '../src/apps/rider/rider-session.js';
import { bearingDegrees, planRide, RideSimulator } from '../src/apps/rider/ride-simulator.js';
import { readTokenClaims } from '../src/apps/shared/token-claims.js';
import { FakeTimers } from './support/fake-timers.js';

const HOME = { lat: 51.4495, lng: -2.5966 };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims: unknown) => `${b64({ alg: 'HS256' })}.${b64(claims)}.signature`;

describe('planRide', () => {
  it('when no start is known, then the ride starts about a kilometre away and ends at the address in small steps', () => {
    const route = planRide(HOME);
    expect(greatCircleKm(route[0]!, HOME)).toBeGreaterThan(0.8);
    expect(greatCircleKm(route[0]!, HOME)).toBeLessThan(1.5);
    expect(route[route.length - 1]).toEqual(HOME);
    for (let i = 1; i < route.length; i += 1) expect(greatCircleKm(route[i - 1]!, route[i]!)).toBeLessThan(0.02);
  });

  it('when the rider is already there, then the ride is one step', () => {
    expect(planRide(HOME, HOME)).toEqual([HOME, HOME]);
  });

  it.each([
    [{ lat: 52, lng: 0 }, 0],
    [{ lat: 51, lng: 1 }, 90],
    [{ lat: 50, lng: 0 }, 180],
    [{ lat: 51, lng: -1 }, 270],
  ])('when heading to %j from (51, 0), then the bearing is about %d°', (to, degrees) => {
    expect(bearingDegrees({ lat: 51, lng: 0 }, to)).toBeCloseTo(degrees, -1);
  });
});

describe('RideSimulator', () => {
  it('when started, then it reports at once and once per interval with heading and time, and stops at the address', () => {
    const timers = new FakeTimers();
    const reports: RiderLocationReport[] = [];
    let now = Date.parse('2026-11-26T11:00:00.000Z');
    const simulator = new RideSimulator({ publish: (r) => reports.push(r), timers, now: () => now, intervalMs: 1_000 });
    simulator.start(HOME);
    expect(reports).toHaveLength(1);
    expect(simulator.running).toBe(true);
    expect(reports[0]?.heading).toBeGreaterThan(180);
    for (let i = 0; i < 500 && simulator.running; i += 1) {
      now += 1_000;
      timers.advance(1_000);
    }
    expect(simulator.running).toBe(false);
    expect(reports[reports.length - 1]).toMatchObject(HOME);
    const times = reports.map((r) => Date.parse(r.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(times).size).toBe(times.length);
  });

  it('when stopped and started again, then the ride continues from where it was', () => {
    const timers = new FakeTimers();
    const reports: RiderLocationReport[] = [];
    const simulator = new RideSimulator({ publish: (r) => reports.push(r), timers });
    simulator.start(HOME);
    timers.advance(3_000);
    simulator.stop();
    const where = simulator.position!;
    timers.advance(10_000);
    const count = reports.length;
    simulator.start(HOME);
    expect(reports).toHaveLength(count + 1);
    expect(reports[count]).toMatchObject({ lat: where.lat, lng: where.lng });
  });
});

describe('rider access', () => {
  const now = Date.parse('2026-11-26T11:00:00.000Z');
  it('when the token is a rider token, then the rider id comes from it', () => {
    const token = jwt({ role: 'rider', sub: 'r-1', riderId: 'r-1', exp: now / 1000 + 60 });
    expect(readTokenClaims(token)).toMatchObject({ role: 'rider', riderId: 'r-1' });
    expect(riderAccess(token, now)).toEqual({ ok: true, riderId: 'r-1', name: undefined, token });
    const named = jwt({ role: 'rider', sub: 'r-1', riderId: 'r-1', name: 'Rosa Parks', exp: now / 1000 + 60 });
    expect(riderAccess(named, now)).toMatchObject({ ok: true, name: 'Rosa Parks' });
  });

  function sources(href: string, storage: Map<string, string>) {
    const replaced: string[] = [];
    return {
      replaced,
      sources: {
        location: { href },
        history: { state: null, replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) },
        storage: {
          getItem: (k: string) => storage.get(k) ?? null,
          setItem: (k: string, v: string) => void storage.set(k, v),
          removeItem: (k: string) => void storage.delete(k),
        },
      },
    };
  }

  it('when the link is opened, then the token is kept, the address bar is cleaned, and a later visit without the link is still signed in', () => {
    const storage = new Map<string, string>();
    const token = jwt({ role: 'rider', sub: 'r-1', riderId: 'r-1', name: 'Rosa', exp: now / 1000 + 3_600 });
    const first = sources(`https://web.test/rider?t=${token}`, storage);
    expect(new RiderSession(first.sources, () => now).open()).toMatchObject({ ok: true, riderId: 'r-1' });
    expect(first.replaced).toEqual(['/rider']);
    expect(storage.get(RIDER_TOKEN_KEY)).toBe(token);

    const later = sources('https://web.test/rider', storage);
    expect(new RiderSession(later.sources, () => now + 600_000).open()).toMatchObject({ ok: true, riderId: 'r-1', token });
  });

  it('when the kept token has expired or the rider signs out, then it is forgotten', () => {
    const storage = new Map<string, string>();
    const token = jwt({ role: 'rider', sub: 'r-1', riderId: 'r-1', exp: now / 1000 + 60 });
    const session = new RiderSession(sources(`https://web.test/rider?t=${token}`, storage).sources, () => now);
    expect(session.open().ok).toBe(true);
    const expired = new RiderSession(sources('https://web.test/rider', storage).sources, () => now + 3_600_000).open();
    expect(expired).toMatchObject({ ok: false, problem: expect.stringMatching(/expired/) });
    expect(storage.has(RIDER_TOKEN_KEY)).toBe(false);

    storage.set(RIDER_TOKEN_KEY, token);
    new RiderSession(sources('https://web.test/rider', storage).sources, () => now).signOut();
    expect(storage.has(RIDER_TOKEN_KEY)).toBe(false);
  });

  it.each([
    ['no token', undefined, /sign-in link/],
    ['garbage', 'not-a-jwt', /not a rider link/],
    ['a customer token', jwt({ role: 'customer', sub: 'c', orderId: '3f1c8a52-9a7e-4a31-9a55-2d6b1f1e8c11' }), /not a rider link/],
    ['an expired token', jwt({ role: 'rider', sub: 'r-1', riderId: 'r-1', exp: now / 1000 - 60 }), /expired/],
  ])('when there is %s, then the page says why it cannot sign in', (_what, token, problem) => {
    const access = riderAccess(token, now);
    expect(access.ok).toBe(false);
    if (!access.ok) expect(access.problem).toMatch(problem);
  });
});
