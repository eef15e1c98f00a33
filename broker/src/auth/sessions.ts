import type { Client } from 'aedes';
import type { TokenClaims } from '@orderpulse/contracts';
import type { Access } from './topic-rules.js';

/** Who a connected client proved to be at CONNECT, and what that lets it do. */
export interface Session {
  /** The client id as the client sent it (aedes keys the session by a scoped id, see client-id.ts). */
  clientId: string;
  claims: TokenClaims;
  access: Access;
}

/** Sessions by client; an entry goes with its client object, so nothing needs cleaning up. */
export type Sessions = WeakMap<Client, Session>;

export function createSessions(): Sessions {
  return new WeakMap();
}
