import { describe, expect, it } from '@jest/globals';
import { FallbackPoller } from '../src/apps/shared/fallback-poller.js';
import { FakeTimers, flush } from './support/fake-timers.js';

function setup() {
  const timers = new FakeTimers();
  const polls: AbortSignal[] = [];
  const changes: boolean[] = [];
  const poller = new FallbackPoller({
    poll: async (signal) => void polls.push(signal),
    intervalMs: 3_000,
    graceMs: 2_000,
    onActiveChange: (active) => changes.push(active),
    timers,
  });
  return { timers, polls, changes, poller };
}

describe('FallbackPoller', () => {
  it('when the first connection takes longer than the grace period, then polling starts and repeats', async () => {
    const { timers, polls, poller, changes } = setup();
    poller.update('connecting');
    timers.advance(1_999);
    expect(polls).toHaveLength(0);
    timers.advance(1);
    await flush();
    expect(polls).toHaveLength(1);
    expect(changes).toEqual([true]);
    timers.advance(3_000);
    await flush();
    timers.advance(3_000);
    await flush();
    expect(polls).toHaveLength(3);
  });

  it('when the connection comes up within the grace period, then it never polls', async () => {
    const { timers, polls, poller, changes } = setup();
    poller.update('connecting');
    timers.advance(500);
    poller.update('live');
    timers.advance(10_000);
    await flush();
    expect(polls).toHaveLength(0);
    expect(changes).toEqual([]);
  });

  it('when a live connection drops, then it polls at once; when live again, it stops and aborts the running poll', async () => {
    const { timers, polls, poller, changes } = setup();
    poller.update('live');
    poller.update('reconnecting');
    expect(poller.active).toBe(true);
    expect(polls).toHaveLength(1);
    poller.update('live');
    expect(polls[0]?.aborted).toBe(true);
    expect(poller.active).toBe(false);
    await flush();
    timers.advance(30_000);
    await flush();
    expect(polls).toHaveLength(1);
    expect(timers.scheduled).toBe(0);
    expect(changes).toEqual([true, false]);
  });

  it('when states repeat while polling, then it does not start a second loop', async () => {
    const { timers, polls, poller } = setup();
    poller.update('reconnecting');
    poller.update('offline');
    poller.update('reconnecting');
    await flush();
    timers.advance(3_000);
    await flush();
    expect(polls).toHaveLength(2);
  });

  it('when a poll fails, then polling goes on', async () => {
    const timers = new FakeTimers();
    let calls = 0;
    const poller = new FallbackPoller({
      poll: async () => {
        calls += 1;
        throw new Error('boom');
      },
      intervalMs: 1_000,
      graceMs: 0,
      timers,
    });
    poller.update('reconnecting');
    await flush();
    timers.advance(1_000);
    await flush();
    expect(calls).toBe(2);
  });

  it('when disposed, then nothing brings it back', async () => {
    const { timers, polls, poller } = setup();
    poller.update('reconnecting');
    poller.dispose();
    poller.update('reconnecting');
    await flush();
    timers.advance(30_000);
    expect(polls).toHaveLength(1);
    expect(poller.active).toBe(false);
  });
});
