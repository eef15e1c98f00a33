import { describe, expect, it } from '@jest/globals';
import mqemitter from 'mqemitter';
import { cacheTopicMatches, type TopicMatcher } from '../src/delivery/topic-match-cache.js';

/** The cache sits in front of mqemitter's own Qlobber; it must always answer as Qlobber would. */
describe('subscription matches kept per topic (topic-match-cache.ts)', () => {
  const setUp = (maxTopics?: number) => {
    const emitter = mqemitter() as unknown as { _matcher: TopicMatcher };
    const matcher = emitter._matcher;
    let walks = 0;
    const walk = matcher.match.bind(matcher);
    matcher.match = (topic, ctx) => {
      walks += 1;
      return walk(topic, ctx);
    };
    expect(cacheTopicMatches(emitter, maxTopics)).toBe(true);
    return { matcher, walks: () => walks };
  };

  it('walks the trie once per topic until a subscription on that topic comes or goes', () => {
    const { matcher, walks } = setUp();
    const a = () => 'a';
    const b = () => 'b';
    matcher.add('orders/1/status', a);
    expect(matcher.match('orders/1/status')).toEqual([a]);
    expect(matcher.match('orders/1/status')).toEqual([a]);
    expect(matcher.match('orders/2/status')).toEqual([]);
    expect(walks()).toBe(2);

    matcher.add('orders/1/status', b);
    expect(matcher.match('orders/1/status')).toEqual([a, b]);
    matcher.add('orders/3/status', b); // another topic: orders/1's answer is kept
    expect(matcher.match('orders/1/status')).toEqual([a, b]);
    expect(walks()).toBe(3);

    matcher.remove('orders/1/status', a);
    expect(matcher.match('orders/1/status')).toEqual([b]);
    matcher.remove('orders/1/status');
    expect(matcher.match('orders/1/status')).toEqual([]);
    expect(walks()).toBe(5);
  });

  it('forgets every answer when a wildcard subscription comes or goes', () => {
    const { matcher } = setUp();
    const own = () => 'own';
    const all = () => 'all';
    const some = () => 'some';
    matcher.add('orders/1/status', own);
    expect(matcher.match('orders/1/status')).toEqual([own]);
    expect(matcher.match('orders/2/status')).toEqual([]);
    matcher.add('orders/+/status', all);
    matcher.add('orders/#', some);
    expect(new Set(matcher.match('orders/1/status'))).toEqual(new Set([own, all, some]));
    expect(new Set(matcher.match('orders/2/status'))).toEqual(new Set([all, some]));
    matcher.remove('orders/+/status', all);
    expect(new Set(matcher.match('orders/1/status'))).toEqual(new Set([own, some]));
    expect(matcher.match('orders/2/status')).toEqual([some]);
  });

  it('keeps at most maxTopics answers, dropping the oldest', () => {
    const { matcher, walks } = setUp(3);
    const a = () => 'a';
    matcher.add('t/1', a);
    for (const topic of ['t/1', 't/2', 't/3', 't/4']) matcher.match(topic);
    expect(walks()).toBe(4);
    matcher.match('t/4'); // kept
    expect(walks()).toBe(4);
    expect(matcher.match('t/1')).toEqual([a]); // the oldest was dropped: walked again
    expect(walks()).toBe(5);
  });

  it('leaves an emitter without a matcher as it is', () => {
    expect(cacheTopicMatches({})).toBe(false);
  });
});
