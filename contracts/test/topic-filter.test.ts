import { describe, it, expect } from '@jest/globals';
import { anyGrantMatches, covers, grantMatches, isValidFilter, isValidTopicName, levelsOf, topicMatches } from '../src/index.js';

const covered = (grant: string, filter: string) => covers(levelsOf(grant), levelsOf(filter));

describe('topic filter algebra', () => {
  it.each([
    ['orders/#', 'orders/a/status'],
    ['orders/#', 'orders/+/status'],
    ['orders/#', 'orders/#'],
    ['orders/#', 'orders'],
    ['riders/x/#', 'riders/x/deliveries/+/status'],
    ['riders/+/location', 'riders/y/location'],
    ['riders/+/location', 'riders/+/location'],
    ['riders/+/deliveries/+/status', 'riders/x/deliveries/d1/status'],
    ['$SYS/#', '$SYS/broker/heartbeat'],
    ['#', 'anything/at/all'],
  ])('when the grant is %s, then it covers %s', (grant, filter) => {
    expect(covered(grant, filter)).toBe(true);
  });

  it.each([
    ['orders/a/status', 'orders/+/status'],
    ['orders/a/status', 'orders/#'],
    ['orders/+/status', 'orders/#'],
    ['riders/x/#', 'riders/#'],
    ['riders/x/#', 'riders/+/location'],
    ['riders/x/#', '#'],
    ['riders/+/location', 'riders/x/location/extra'],
    ['riders/+/location', 'riders/x'],
    ['orders/a/status', 'orders/a/status/more'],
    ['orders/a/status', 'orders/b/status'],
    ['#', '$SYS/broker/heartbeat'],
    ['+/broker/heartbeat', '$SYS/broker/heartbeat'],
  ])('when the grant is %s, then it does not cover %s', (grant, filter) => {
    expect(covered(grant, filter)).toBe(false);
  });

  it.each(['#', 'a/#', '+', 'a/+/b', '+/+', 'a/b'])('when the filter is %s, then it is valid', (filter) => {
    expect(isValidFilter(filter)).toBe(true);
  });

  it.each(['', 'a/#/b', 'a#', 'a/b+', '#/a', 'a/+b/c'])('when the filter is %j, then it is invalid', (filter) => {
    expect(isValidFilter(filter)).toBe(false);
  });

  it('when a topic name has a wildcard or is empty, then it is not a valid PUBLISH topic', () => {
    expect(['orders/a/status', 'orders/+/status', 'orders/#', ''].map(isValidTopicName)).toEqual([true, false, false, false]);
  });

  it.each([
    ['orders/a/status', 'orders/a/status'],
    ['orders/+/status', 'orders/a/status'],
    ['orders/#', 'orders/a/status'],
    ['orders/#', 'orders'],
    ['riders/+/deliveries/+/status', 'riders/x/deliveries/d1/status'],
  ])('when the grant is %s, then the topic %s matches it in place, as covers says', (grant, topic) => {
    expect(grantMatches(levelsOf(grant), topic)).toBe(true);
    expect(covers(levelsOf(grant), levelsOf(topic))).toBe(true);
  });

  it.each([
    ['orders/a/status', 'orders/a/status/more'],
    ['orders/a/status', 'orders/a'],
    ['orders/+/status', 'orders/a/tracking'],
    ['orders/a/status', 'orders/b/status'],
    ['#', '$SYS/broker/heartbeat'],
  ])('when the grant is %s, then the topic %s does not match it', (grant, topic) => {
    expect(grantMatches(levelsOf(grant), topic)).toBe(false);
  });

  it('when one of several grants matches, then the topic matches them', () => {
    const grants = ['riders/x/#', 'orders/+/status'].map(levelsOf);
    expect(anyGrantMatches(grants, 'orders/a/status')).toBe(true);
    expect(anyGrantMatches(grants, 'riders/y/location')).toBe(false);
  });
});

describe('topicMatches (the browser apps route messages to their subscriptions with it)', () => {
  it.each([
    ['orders/+/status', 'orders/a/status', true],
    ['orders/+/status', 'orders/a/tracking', false],
    ['orders/#', 'orders/a/status', true],
    ['orders/#', 'orders', true],
    ['orders/a/status', 'orders/a/status', true],
    ['orders/a/status', 'orders/a/status/x', false],
    ['orders/a', 'orders/a/status', false],
  ])('when the filter is %s and the topic %s, then it matches: %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});
