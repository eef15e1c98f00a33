import type { TokenClaims } from '@orderpulse/contracts';

/**
 * The id aedes keys a client's session by: the token's role and subject, then the id the client
 * chose. Clients keep choosing any id (MQTT 3.1.1 never tells a client its id, so nothing changes
 * for them), but one subject can only ever meet its own sessions:
 * - [MQTT-3.1.4-2] takeover closes the older connection with the same id; scoped, only the same
 *   subject can do that, and a squatter cannot lock the owner out either;
 * - a persistent session (`clean: false`, e.g. delivery-service's queue of rider messages) can be
 *   neither resumed nor wiped by another subject connecting with its id while it is offline;
 * - the ids stay deterministic, so brokers sharing state (mqemitter-redis) agree on them.
 * The subject is URI-encoded, so `:` cannot make two different (sub, id) pairs collide.
 */
export function scopedClientId(claims: TokenClaims, clientId: string): string {
  return `${subjectKey(claims)}:${clientId}`;
}

/** One token holder (role and subject, e.g. one customer's order or one rider): what per-subject quotas count. */
export function subjectKey(claims: Pick<TokenClaims, 'role' | 'sub'>): string {
  return `${claims.role}:${encodeURIComponent(claims.sub)}`;
}
