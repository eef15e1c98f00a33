import type { Logger } from '@orderpulse/service-kit';
import type { RefusalReason } from './hook-types.js';
import { isExpired, type Session } from './sessions.js';

export interface Refusal {
  reason: RefusalReason;
  /** What exactly was wrong, for people reading the log. */
  detail: string;
  /** The client id as sent by the client; null for a will whose client is gone. */
  clientId: string | null;
  /** Present once the client has proved who it is (or presented a valid token). */
  who?: Pick<Session['claims'], 'role' | 'sub'>;
  topic?: string;
  /** Further fields for the log line (never credentials). */
  context?: Record<string, unknown>;
}

/** Logs one refusal (exactly one warn line) and counts it. */
export type RefuseFn = (refusal: Refusal) => void;

const MESSAGES: Record<RefusalReason, string> = {
  connect_anonymous: 'connect refused',
  connect_token_invalid: 'connect refused',
  connect_token_expired: 'connect refused',
  connect_role_mismatch: 'connect refused',
  subscribe_not_authorized: 'subscription refused',
  subscribe_token_expired: 'subscription refused: token expired',
  publish_not_authorized: 'publish refused',
  publish_token_expired: 'publish refused: token expired',
  payload_too_large: 'publish refused: payload too large',
  forward_not_authorized: 'delivery withheld',
};

export function createRefuse(logger: Logger, count: (reason: RefusalReason) => void): RefuseFn {
  return ({ reason, detail, clientId, who, topic, context }) => {
    logger.warn(
      { clientId, role: who?.role ?? null, sub: who?.sub ?? null, ...(topic !== undefined ? { topic } : {}), reason, detail, ...context },
      MESSAGES[reason],
    );
    count(reason);
  };
}

export function whoOf(session: Session | undefined): Refusal['who'] {
  return session ? { role: session.claims.role, sub: session.claims.sub } : undefined;
}

/**
 * The refusal fields for a session whose token has expired while its expiry timer has not
 * closed the connection yet (a timer can fire late); undefined while the session is valid.
 */
export function expiredSessionRefusal(session: Session | undefined): Pick<Refusal, 'detail' | 'context'> | undefined {
  if (!session || !isExpired(session)) return undefined;
  return { detail: 'token expired while connected', context: { expiresAt: new Date(session.expiresAtMs).toISOString() } };
}
