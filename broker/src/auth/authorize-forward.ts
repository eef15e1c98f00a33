import type { AuthorizeForwardHook } from './hook-types.js';
import { whoOf, type RefuseFn } from './refusals.js';
import type { Sessions } from './sessions.js';
import { forwardDecision } from './topic-rules.js';

export interface AuthorizeForwardOptions {
  sessions: Sessions;
  refuse: RefuseFn;
}

/**
 * Last line of defence before a message is written to a subscriber: live messages, retained
 * messages on a new subscription, and a persistent session's queue on reconnect all pass here.
 * With the subscribe rules intact it never refuses; when it does, something upstream let too
 * much through, so it is logged like any other refusal.
 */
export function createAuthorizeForward({ sessions, refuse }: AuthorizeForwardOptions): AuthorizeForwardHook {
  return (client, packet) => {
    const session = sessions.get(client);
    if (session && session.lastForwardedTopic === packet.topic) return packet;
    const decision = forwardDecision(session?.access, packet.topic);
    if (decision.allow) {
      if (session) session.lastForwardedTopic = packet.topic;
      return packet;
    }
    refuse({
      reason: 'forward_not_authorized',
      detail: decision.reason,
      clientId: session?.clientId ?? client.id,
      who: whoOf(session),
      topic: packet.topic,
      context: { retained: packet.retain },
    });
    return null;
  };
}
