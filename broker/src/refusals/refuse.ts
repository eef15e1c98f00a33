import { createRateLimitedLog, type Logger, type RateLimitedLog } from '@orderpulse/service-kit';
import type { RefusalReason } from './reasons.js';
import { truncateFields } from './truncate.js';

export interface Refusal {
  reason: RefusalReason;
  /** What exactly was wrong, for people reading the log. */
  detail: string;
  /** The client id as sent by the client; null before CONNECT, or for a will whose client is gone. */
  clientId: string | null;
  /** Present once the client has proved who it is (or presented a valid token). */
  who?: { role: string; sub: string };
  topic?: string;
  /** Further fields for the log line (never credentials). */
  context?: Record<string, unknown>;
}

/** Counts one refusal and logs it (one warn line, unless its reason is over its log budget). */
export type RefuseFn = (refusal: Refusal) => void;

const MESSAGES: Record<RefusalReason, string> = {
  connect_address_limit: 'connection refused: too many connections from this address',
  connect_timeout: 'connection closed: no CONNECT in time',
  packet_too_large: 'connection closed: packet too large',
  packet_malformed: 'connection closed: malformed packet length',
  connect_anonymous: 'connect refused',
  connect_token_invalid: 'connect refused',
  connect_token_expired: 'connect refused',
  connect_role_mismatch: 'connect refused',
  connect_client_id_too_long: 'connect refused: client id too long',
  connect_subject_limit: 'connect refused: too many connections for this token',
  connect_session_limit: 'connect refused: too many persistent sessions for this token',
  subscribe_not_authorized: 'subscription refused',
  subscribe_token_expired: 'subscription refused: token expired',
  subscribe_limit: 'subscription refused: too many subscriptions on this connection',
  publish_not_authorized: 'publish refused',
  publish_retain_not_allowed: 'publish refused: retain is for services only',
  publish_token_expired: 'publish refused: token expired',
  payload_too_large: 'publish refused: payload too large',
  forward_not_authorized: 'delivery withheld',
};

export interface RefusalsOptions {
  logger: Logger;
  /** Counts every refusal, logged or not (mqtt_refusals_total). */
  count: (reason: RefusalReason) => void;
  /** Refusal log lines per second for each reason (then one summary line a second). */
  linesPerSecond: number;
  /** Longest string field (client id, username, topic…) written as is; longer ones are cut. */
  maxFieldChars: number;
  /** Counts a line left out by the rate limit. */
  onSuppressed?: (reason: string) => void;
}

export interface Refusals {
  refuse: RefuseFn;
  /** The same budget and truncation for other lines a stranger can cause (e.g. sessions expiring). */
  log: RateLimitedLog;
  maxFieldChars: number;
}

/**
 * Every refusal is counted; its log line is cut to what helps (short prefixes of whatever the
 * client sent) and rate-limited per reason, so a flood of bad connections cannot flood the log.
 */
export function createRefusals({ logger, count, linesPerSecond, maxFieldChars, onSuppressed }: RefusalsOptions): Refusals {
  const log = createRateLimitedLog({ logger, linesPerSecond, ...(onSuppressed && { onSuppressed }) });
  const refuse: RefuseFn = ({ reason, detail, clientId, who, topic, context }) => {
    count(reason);
    const fields = { clientId, role: who?.role ?? null, sub: who?.sub ?? null, ...(topic !== undefined ? { topic } : {}), reason, detail, ...context };
    log.write('warn', reason, truncateFields(fields, maxFieldChars), MESSAGES[reason]);
  };
  return { refuse, log, maxFieldChars };
}
