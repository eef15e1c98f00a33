import type { Client } from 'aedes';
import type { TokenClaims } from '@orderpulse/contracts';
import type { Access } from './topic-rules.js';

/** Who a connected client proved to be at CONNECT, and what that lets it do. */
export interface Session {
  /** The client id as the client sent it (aedes keys the session by a scoped id, see client-id.ts). */
  clientId: string;
  claims: TokenClaims;
  access: Access;
  /** When the token expires (its `exp`, in ms since the epoch); the session ends then. */
  expiresAtMs: number;
  /**
   * The last topic authorizeForward allowed for this session. `access` never changes within a
   * session, and a subscriber mostly receives one topic, so a repeat skips matching the grants.
   */
  lastForwardedTopic?: string;
}

/** Sessions by client; an entry goes with its client object, so nothing needs cleaning up. */
export type Sessions = WeakMap<Client, Session>;

export function createSessions(): Sessions {
  return new WeakMap();
}

/** Same boundary as the token check at CONNECT: a token is expired from its `exp` second on. */
export function isExpired(session: Session, nowMs = Date.now()): boolean {
  return nowMs >= session.expiresAtMs;
}
