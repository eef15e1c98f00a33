import type { AuthorizeSubscribeHook } from './hook-types.js';
import { expiredSessionRefusal, whoOf, type RefuseFn } from './refusals.js';
import type { Sessions } from './sessions.js';
import { subscribeDecision } from './topic-rules.js';

export interface AuthorizeSubscribeOptions {
  sessions: Sessions;
  refuse: RefuseFn;
}

/** Also runs when aedes restores a persistent session's subscriptions, so those are re-checked. */
export function createAuthorizeSubscribe({ sessions, refuse }: AuthorizeSubscribeOptions): AuthorizeSubscribeHook {
  return (client, subscription, done) => {
    const session = sessions.get(client);
    const expired = expiredSessionRefusal(session);
    if (expired) {
      refuse({ reason: 'subscribe_token_expired', ...expired, clientId: session?.clientId ?? client.id, who: whoOf(session), topic: subscription.topic });
      // Unlike a refused filter, this closes the connection: its session is over.
      done(new Error(expired.detail), null);
      return;
    }
    const decision = subscribeDecision(session?.access, subscription.topic);
    if (decision.allow) {
      done(null, subscription);
      return;
    }
    refuse({
      reason: 'subscribe_not_authorized',
      detail: decision.reason,
      clientId: session?.clientId ?? client.id,
      who: whoOf(session),
      topic: subscription.topic,
    });
    // [MQTT-3.9.3] a null subscription answers SUBACK 0x80 for this filter and keeps the client
    // connected; an error would disconnect it.
    done(null, null);
  };
}
