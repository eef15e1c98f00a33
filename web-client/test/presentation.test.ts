import { describe, expect, it } from '@jest/globals';
import { indicatorState } from '../src/apps/shared/connection-indicator.js';
import { formatAge, formatDistance, formatDuration } from '../src/apps/shared/relative-time.js';
import { statusLabel } from '../src/apps/shared/status-labels.js';
import { shouldNotify } from '../src/apps/track/status-notifications.js';

describe('presentation helpers', () => {
  it.each([
    [0, 'just now'],
    [2_999, 'just now'],
    [12_400, '12 s ago'],
    [61_000, '1 min ago'],
    [2 * 3600_000, '2 h ago'],
    [-5_000, 'just now'],
  ])('when something is %i ms old, then it reads %s', (ms, text) => expect(formatAge(ms)).toBe(text));

  it.each([
    [0.4, 'under a minute'],
    [6.6, 'about 7 min'],
    [80, 'about 1 h 20 min'],
    [120, 'about 2 h'],
  ])('when %d minutes are left, then it reads %s', (m, text) => {
    expect(formatDuration(m)).toBe(text);
  });

  it('when distances are short or long, then metres or kilometres are used', () => {
    expect(formatDistance(0.42)).toBe('420 m');
    expect(formatDistance(3.14)).toBe('3.1 km');
  });

  it('when statuses come from either machine, then they get labels', () => {
    expect(statusLabel('out_for_delivery')).toBe('Out for delivery');
    expect(statusLabel('in_transit')).toBe('On the way');
    expect(statusLabel('mystery')).toBe('mystery');
  });

  it.each([
    ['live', false, 'live'],
    ['live', true, 'live'],
    ['reconnecting', true, 'polling'],
    ['reconnecting', false, 'reconnecting'],
    ['connecting', false, 'connecting'],
  ] as const)('when MQTT is %s and polling is %s, then the indicator shows %s', (live, polling, shown) => {
    expect(indicatorState(live, polling)).toBe(shown);
  });

  it.each([
    [true, 'granted', true, true],
    [true, 'granted', false, false],
    [true, 'default', true, false],
    [true, 'denied', true, false],
    [false, 'granted', true, false],
  ] as const)('when supported=%s, permission=%s and hidden=%s, then notify=%s', (supported, permission, hidden, expected) => {
    expect(shouldNotify({ supported, permission: () => permission, isHidden: () => hidden })).toBe(expected);
  });
});
