import { describe, expect, it } from '@jest/globals';
import { DeviceLocation, fixOf, type Fix, type GeolocationLike } from '../src/apps/rider/device-location.js';
import { LocationReporter, MAX_ACCURACY_M } from '../src/apps/rider/location-reporter.js';
import { LocationThrottle } from '../src/apps/rider/location-throttle.js';
import { describeLocation } from '../src/apps/rider/location-view.js';
import { FakeTimers } from './support/fake-timers.js';

const POLICY = { minIntervalMs: 2_000, minMoveMetres: 20, maxQuietMs: 30_000 };
/** About 11 m of latitude. */
const STEP = 0.0001;
const fixAt = (lat: number, accuracyM = 5): Fix => ({ lat, lng: -2.59, accuracyM, at: '2026-11-26T11:00:00.000Z' });

describe('LocationThrottle', () => {
  it('when the rider moves far enough, no sooner than the minimum interval, then the position is sent', () => {
    const throttle = new LocationThrottle(POLICY);
    expect(throttle.offer({ lat: 51, lng: -2.59 }, 0)).toEqual({ send: true });
    throttle.sent({ lat: 51, lng: -2.59 }, 0);
    expect(throttle.offer({ lat: 51 + STEP, lng: -2.59 }, 5_000)).toEqual({ send: false });
    expect(throttle.offer({ lat: 51 + 3 * STEP, lng: -2.59 }, 1_500)).toEqual({ send: false, retryInMs: 500 });
    expect(throttle.offer({ lat: 51 + 3 * STEP, lng: -2.59 }, 2_000)).toEqual({ send: true });
  });

  it('when the rider stands still, then one position goes out per quiet spell', () => {
    const throttle = new LocationThrottle(POLICY);
    throttle.sent({ lat: 51, lng: -2.59 }, 0);
    expect(throttle.offer({ lat: 51, lng: -2.59 }, 29_999)).toEqual({ send: false });
    expect(throttle.offer({ lat: 51, lng: -2.59 }, 30_000)).toEqual({ send: true });
  });
});

describe('LocationReporter', () => {
  function setup(carrying = true) {
    const timers = new FakeTimers();
    const reported: Fix[] = [];
    const state = { carrying };
    const reporter = new LocationReporter({
      report: (f) => reported.push(f),
      isCarrying: () => state.carrying,
      policy: POLICY,
      timers,
      now: () => timers.time,
    });
    return { timers, reported, state, reporter };
  }

  it('when fixes come faster than the rate allows, then the newest one goes out when its time comes and nothing faster', () => {
    const { timers, reported, reporter } = setup();
    reporter.offer(fixAt(51));
    timers.advance(500);
    reporter.offer(fixAt(51 + 3 * STEP));
    timers.advance(500);
    reporter.offer(fixAt(51 + 6 * STEP));
    expect(reported.map((f) => f.lat)).toEqual([51]);
    timers.advance(1_000);
    expect(reported.map((f) => f.lat)).toEqual([51, 51 + 6 * STEP]);
    timers.advance(10_000);
    expect(reported).toHaveLength(2);
  });

  it('when nothing is being carried, or a fix is too rough, then nothing is sent', () => {
    const { reported, state, reporter } = setup(false);
    reporter.offer(fixAt(51));
    state.carrying = true;
    reporter.offer(fixAt(51.01, MAX_ACCURACY_M + 1));
    expect(reported).toEqual([]);
    reporter.offer(fixAt(51.02));
    expect(reported.map((f) => f.lat)).toEqual([51.02]);
  });

  it('when a status report carried the position, or it waits from before a reload, then it counts as sent', () => {
    const { timers, reported, reporter } = setup();
    reporter.alreadySent({ lat: 51, lng: -2.59 });
    timers.advance(5_000);
    reporter.offer(fixAt(51 + STEP));
    expect(reported).toEqual([]);

    reporter.alreadySent({ lat: 52, lng: -2.59 }, timers.time - 40_000);
    reporter.offer(fixAt(52));
    expect(reported.map((f) => f.lat)).toEqual([52]);
  });
});

class FakeGeolocation implements GeolocationLike {
  success: PositionCallback | undefined;
  failure: PositionErrorCallback | null | undefined;
  options: PositionOptions | undefined;
  cleared = 0;
  watchPosition(success: PositionCallback, failure?: PositionErrorCallback | null, options?: PositionOptions): number {
    this.success = success;
    this.failure = failure;
    this.options = options;
    return 7;
  }
  clearWatch(): void {
    this.cleared += 1;
  }
  move(latitude: number, accuracy = 8, heading: number | null = null) {
    this.success?.({
      coords: { latitude, longitude: -2.5912345678, accuracy, heading } as GeolocationCoordinates,
      timestamp: Date.parse('2026-11-26T11:00:00Z'),
    } as GeolocationPosition);
  }
  fail(code: number) {
    this.failure?.({ code, message: 'test' } as GeolocationPositionError);
  }
}

describe('DeviceLocation', () => {
  it('when watching, then it asks for high accuracy and reports fixes rounded to 6 decimals with their accuracy', () => {
    const geo = new FakeGeolocation();
    const device = new DeviceLocation(geo, undefined);
    device.start();
    expect(geo.options).toMatchObject({ enableHighAccuracy: true });
    expect(device.status).toEqual({ state: 'waiting' });
    geo.move(51.12345678, 7.6, 91.4);
    expect(device.fix).toEqual({ lat: 51.123457, lng: -2.591235, accuracyM: 8, heading: 91, at: '2026-11-26T11:00:00.000Z' });
  });

  it('when permission is denied or the position unavailable, then the state says so; a timeout keeps waiting', () => {
    const geo = new FakeGeolocation();
    const device = new DeviceLocation(geo, undefined);
    device.start();
    geo.fail(3);
    expect(device.status).toEqual({ state: 'waiting' });
    geo.fail(2);
    expect(device.status.state).toBe('unavailable');
    geo.fail(1);
    expect(device.status).toEqual({ state: 'denied' });
  });

  it('when the rider allows location after denying it, then watching starts again', async () => {
    const geo = new FakeGeolocation();
    let onChange: (() => void) | undefined;
    const permission = { state: 'denied' as PermissionState, addEventListener: (_: string, listener: () => void) => void (onChange = listener) };
    const device = new DeviceLocation(geo, { query: () => Promise.resolve(permission) } as never);
    device.start();
    await Promise.resolve();
    geo.fail(1);
    permission.state = 'granted';
    onChange?.();
    expect(geo.cleared).toBe(1);
    expect(device.status).toEqual({ state: 'waiting' });
    geo.move(51.5);
    expect(device.fix?.lat).toBe(51.5);
  });

  it('when the browser has no geolocation, then it says the device cannot share it', () => {
    expect(new DeviceLocation(undefined, undefined).status).toEqual({ state: 'unsupported' });
    expect(describeLocation({ status: { state: 'unsupported' }, carrying: true, demoRide: false })).toMatch(/cannot share its location.*still report/);
  });

  it.each([
    [{ state: 'denied' as const }, /blocked.*Allow location.*still report your progress/],
    [{ state: 'unavailable' as const, reason: 'x' }, /not available right now.*still report/],
    [{ state: 'ok' as const, fix: fixAt(51, 12) }, /^Sharing your location, accurate to about 12 m\.$/],
  ])('when the location is %j, then the rider reads what it means and what to do', (status, text) => {
    expect(describeLocation({ status, carrying: true, demoRide: false })).toMatch(text);
  });

  it('when a reading comes straight from the browser, then fixOf leaves out a heading the device does not know', () => {
    const fix = fixOf({ coords: { latitude: 1, longitude: 2, accuracy: 3, heading: Number.NaN } as GeolocationCoordinates, timestamp: 0 });
    expect(fix).toEqual({ lat: 1, lng: 2, accuracyM: 3, at: '1970-01-01T00:00:00.000Z' });
  });
});
