import type { AuthorizeSubscribeHook } from './hook-types.js';
import { expiredSessionRefusal, whoOf, type RefuseFn } from './refusals.js';
import { hasSubscriptionCap } from './role-limits.js';
import type { Sessions } from './sessions.js';
import type { SubscriptionQuota } from './subscription-quota.js';
import { subscribeDecision } from './topic-rules.js';

export interface AuthorizeSubscribeOptions {
  sessions: Sessions;
  refuse: RefuseFn;
  /** Distinct filters per connection (roles in role-limits.ts); over it a filter gets SUBACK 128. */
  subscriptions: SubscriptionQuota;
  maxSubscriptionsPerClient: number;
}

/** Also runs when aedes restores a persistent session's subscriptions, so those are re-checked. */
export function createAuthorizeSubscribe({ sessions, refuse, subscriptions, maxSubscriptionsPerClient }: AuthorizeSubscribeOptions): AuthorizeSubscribeHook {
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
      if (session && hasSubscriptionCap(session.claims.role) && !subscriptions.admit(client, subscription.topic)) {
        refuse({
          reason: 'subscribe_limit',
          detail: `this connection already holds ${maxSubscriptionsPerClient} subscriptions (MQTT_MAX_SUBSCRIPTIONS_PER_CLIENT); unsubscribe from one first`,
          clientId: session.clientId,
          who: whoOf(session),
          topic: subscription.topic,
        });
        done(null, null);
        return;
      }
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
