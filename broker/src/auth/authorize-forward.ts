import type { Logger } from '@orderpulse/service-kit';
import type { AuthorizeForwardHook } from './hook-types.js';
import type { Sessions } from './sessions.js';
import { forwardDecision } from './topic-rules.js';

export interface AuthorizeForwardOptions {
  sessions: Sessions;
  logger: Logger;
}

/** Last line of defence before a message (live or retained) is written to a subscriber. */
export function createAuthorizeForward({ sessions, logger }: AuthorizeForwardOptions): AuthorizeForwardHook {
  return (client, packet) => {
    const decision = forwardDecision(sessions.get(client), packet.topic);
    if (decision.allow) return packet;
    logger.warn({ clientId: client.id, topic: packet.topic, reason: decision.reason }, 'delivery withheld');
    return null;
  };
}
