import { describe, expect, it } from '@jest/globals';
import { describeFreshness, STALE_AFTER_MS } from '../src/apps/shared/signal-freshness.js';
import { RiderHeartbeat } from '../src/apps/rider/heartbeat.js';
import { FakeTimers, flush } from './support/fake-timers.js';

const T0 = Date.parse('2026-11-26T11:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('describeFreshness', () => {
  it('when the rider was heard from a moment ago, then "Updated 5 s ago" and no note on the ETA', () => {
    expect(describeFreshness({ online: true, lastSeenAt: iso(T0), positionAt: iso(T0 - 20_000) }, T0 + 5_000)).toEqual({
      freshness: 'live',
      text: 'Updated 5 s ago',
      etaNote: undefined,
    });
  });

  it('when the connection is lost, then "Signal lost 2 min ago" and the ETA is said to rest on the position from before', () => {
    expect(describeFreshness({ online: false, lastSeenAt: iso(T0), lostAt: iso(T0 + 1_000), positionAt: iso(T0) }, T0 + 121_000)).toEqual({
      freshness: 'lost',
      text: 'Signal lost 2 min ago',
      etaNote: "The arrival time is based on the rider's position from 2 min ago, before the signal was lost.",
    });
  });

  it('when nothing was heard for longer than the stale limit though the connection is up, then it is stale and the ETA note shows', () => {
    const fresh = describeFreshness({ online: true, lastSeenAt: iso(T0), positionAt: iso(T0) }, T0 + STALE_AFTER_MS + 15_000);
    expect(fresh).toMatchObject({ freshness: 'stale', text: 'Updated 1 min ago' });
    expect(fresh?.etaNote).toBe("The arrival time is based on the rider's position from 1 min ago.");
  });

  it('when heartbeats come but the position is old (the rider stands still), then the signal is live and the ETA note says the position is old', () => {
    expect(describeFreshness({ online: true, lastSeenAt: iso(T0 + 170_000), positionAt: iso(T0) }, T0 + 180_000)).toMatchObject({
      freshness: 'live',
      text: 'Updated 10 s ago',
      etaNote: "The arrival time is based on the rider's position from 3 min ago.",
    });
  });

  it('when nothing is known, then there is nothing to say', () => {
    expect(describeFreshness({}, T0)).toBeUndefined();
  });
});

describe('RiderHeartbeat', () => {
  function setup(state: { active: boolean; live: boolean }) {
    const timers = new FakeTimers();
    let now = T0;
    const sent: string[] = [];
    const heartbeat = new RiderHeartbeat({
      send: async ({ at }) => void sent.push(at),
      active: () => state.active,
      live: () => state.live,
      intervalMs: 10_000,
      timers,
      now: () => new Date(now),
    });
    const advance = (ms: number) => {
      now += ms;
      timers.advance(ms);
    };
    return { heartbeat, sent, advance };
  }

  it('when a delivery is open and the connection live, then one heartbeat at once and one every 10 s, however often it is kicked', async () => {
    const { heartbeat, sent, advance } = setup({ active: true, live: true });
    heartbeat.kick();
    heartbeat.kick();
    advance(3_000);
    heartbeat.kick();
    expect(sent).toEqual([iso(T0)]);
    advance(7_000);
    advance(10_000);
    await flush();
    expect(sent).toEqual([iso(T0), iso(T0 + 10_000), iso(T0 + 20_000)]);
  });

  it('when no delivery is open or the connection is down, then nothing is sent (a heartbeat is never queued)', () => {
    const state = { active: false, live: true };
    const { heartbeat, sent, advance } = setup(state);
    heartbeat.kick();
    advance(30_000);
    expect(sent).toEqual([]);
    state.active = true;
    state.live = false;
    heartbeat.kick();
    advance(30_000);
    expect(sent).toEqual([]);
    state.live = true;
    heartbeat.kick();
    expect(sent).toHaveLength(1);
    heartbeat.stop();
    advance(30_000);
    expect(sent).toHaveLength(1);
  });
});
