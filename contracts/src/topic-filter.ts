/**
 * MQTT 3.1.1 topic-filter algebra (§4.7), pure: the broker's access rules and the browser apps'
 * message routing use this one implementation. Filters are compared level by level after one
 * split; topic names (every publish and every delivery) are matched in place by grantMatches,
 * which allocates nothing (the broker runs it for every message).
 */
export type Levels = readonly string[];

export function levelsOf(topicOrFilter: string): Levels {
  return topicOrFilter.split('/');
}

export function hasWildcard(topicOrFilter: string): boolean {
  return topicOrFilter.includes('+') || topicOrFilter.includes('#');
}

/** [MQTT-4.7.1-2] `#` stands alone and last; [MQTT-4.7.1-3] `+` fills a whole level; [MQTT-4.7.3-1] not empty. */
export function isValidFilter(filter: string): boolean {
  if (filter.length === 0) return false;
  const levels = levelsOf(filter);
  return levels.every((level, i) => {
    if (level === '#') return i === levels.length - 1;
    if (level === '+') return true;
    return !hasWildcard(level);
  });
}

/** [MQTT-3.3.2-2] a topic name in a PUBLISH has no wildcards; [MQTT-4.7.3-1] and is not empty. */
export function isValidTopicName(topic: string): boolean {
  return topic.length > 0 && !hasWildcard(topic);
}

/**
 * True when every topic `filter` can match is also matched by `grant`. A topic name is a
 * filter that matches only itself, so `covers(grant, topic)` is also "grant matches topic".
 */
export function covers(grant: Levels, filter: Levels): boolean {
  // [MQTT-4.7.2-1] a filter starting with a wildcard never matches a `$` topic.
  const first = grant[0];
  if ((first === '#' || first === '+') && filter[0]?.startsWith('$')) return false;
  for (let i = 0; i < grant.length; i += 1) {
    const g = grant[i];
    // `#` matches this level, everything below it, and the parent level itself [MQTT-4.7.1-2].
    if (g === '#') return true;
    const f = filter[i];
    if (f === undefined || f === '#') return false;
    if (g === '+') continue;
    if (f !== g) return false;
  }
  return filter.length === grant.length;
}

const HASH = 35; // '#'
const DOLLAR = 36; // '$'

/**
 * `covers(grant, levelsOf(topic))` for one topic, without splitting it: walks the topic string
 * level by level, so the per-message checks (publish, every delivery) allocate nothing.
 */
export function grantMatches(grant: Levels, topic: string): boolean {
  // [MQTT-4.7.2-1] a filter starting with a wildcard never matches a `$` topic.
  const first = grant[0];
  if ((first === '#' || first === '+') && topic.charCodeAt(0) === DOLLAR) return false;
  const length = topic.length;
  let start = 0; // start of the topic's current level; length + 1 once every level is used
  for (let i = 0; i < grant.length; i += 1) {
    const g = grant[i] as string;
    // `#` matches this level, everything below it, and the parent level itself [MQTT-4.7.1-2].
    if (g === '#') return true;
    if (start > length) return false; // the topic has fewer levels than the grant
    let end = topic.indexOf('/', start);
    if (end === -1) end = length;
    const size = end - start;
    if (size === 1 && topic.charCodeAt(start) === HASH) return false; // a `#` level is never covered by less
    if (g !== '+' && (size !== g.length || !topic.startsWith(g, start))) return false;
    start = end + 1;
  }
  return start === length + 1;
}

/** True when one of the grants matches the topic (see grantMatches). */
export function anyGrantMatches(grants: readonly Levels[], topic: string): boolean {
  for (let i = 0; i < grants.length; i += 1) {
    if (grantMatches(grants[i] as Levels, topic)) return true;
  }
  return false;
}

/** True when the subscription `filter` matches the topic name `topic` (see grantMatches). */
export function topicMatches(filter: string, topic: string): boolean {
  return grantMatches(levelsOf(filter), topic);
}
