/** The subscription matcher (a Qlobber) inside aedes' mqemitter, as mqemitter uses it. */
export interface TopicMatcher {
  add(filter: string, value: unknown): unknown;
  remove(filter: string, value?: unknown): unknown;
  match(topic: string, ctx?: unknown): unknown[];
}

const WILDCARDS = /[+#]/;

/**
 * mqemitter finds a message's subscribers by walking Qlobber's trie: a `split` of the topic and
 * several Map lookups per level, ~5 % of the broker's CPU at 10,000 one-to-one deliveries a second.
 * Orders are published on the same few topics again and again, so the answer for each topic is kept
 * until a subscription that could change it comes or goes: a filter without wildcards affects
 * only its own topic; one with wildcards (rare: services and admins) forgets every answer.
 * At most `maxTopics` answers are kept (the oldest is dropped first). Returns false when the
 * emitter has no matcher of the expected shape (it is then left as it is).
 */
export function cacheTopicMatches(emitter: { _matcher?: unknown }, maxTopics = 10_000): boolean {
  const matcher = emitter._matcher as Partial<TopicMatcher> | undefined;
  if (!matcher || typeof matcher.add !== 'function' || typeof matcher.remove !== 'function' || typeof matcher.match !== 'function') return false;
  const add = matcher.add.bind(matcher);
  const remove = matcher.remove.bind(matcher);
  const match = matcher.match.bind(matcher);
  const answers = new Map<string, unknown[]>();
  const forget = (filter: string) => {
    if (WILDCARDS.test(filter)) answers.clear();
    else answers.delete(filter);
  };
  matcher.add = (filter, value) => {
    forget(filter);
    return add(filter, value);
  };
  matcher.remove = (filter, value) => {
    forget(filter);
    return remove(filter, value);
  };
  matcher.match = (topic, ctx) => {
    if (ctx !== undefined) return match(topic, ctx);
    let found = answers.get(topic);
    if (found === undefined) {
      found = match(topic);
      if (answers.size >= maxTopics) answers.delete(answers.keys().next().value as string);
      answers.set(topic, found);
    }
    return found;
  };
  return true;
}
