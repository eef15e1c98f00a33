import type { Logger } from '@orderpulse/service-kit';
import type { AuthorizeSubscribeHook, RefusalReason } from './hook-types.js';
import type { Sessions } from './sessions.js';
import { subscribeDecision } from './topic-rules.js';

export interface AuthorizeSubscribeOptions {
  sessions: Sessions;
  logger: Logger;
  onRefused: (reason: RefusalReason) => void;
}

export function createAuthorizeSubscribe({ sessions, logger, onRefused }: AuthorizeSubscribeOptions): AuthorizeSubscribeHook {
  return (client, subscription, done) => {
    const decision = subscribeDecision(sessions.get(client), subscription.topic);
    if (decision.allow) {
      done(null, subscription);
      return;
    }
    logger.warn({ clientId: client.id, topic: subscription.topic, reason: decision.reason }, 'subscription refused');
    onRefused('subscribe_not_authorized');
    // A null subscription answers SUBACK 0x80 for this filter and keeps the client connected;
    // an error would disconnect it.
    done(null, null);
  };
}
