import type { Logger } from '@orderpulse/service-kit';
import type { PersistentSessions } from '../sessions/persistent-sessions.js';
import { scopedClientId, subjectKey } from './client-id.js';
import type { ConnectionQuota } from './connection-quota.js';
import { checkCredentials, type VerifyToken } from './credentials.js';
import type { AuthenticateHook, AuthLimits } from './hook-types.js';
import type { RefuseFn } from './refusals.js';
import { hasSubjectQuotas, sessionsExpire } from './role-limits.js';
import type { WatchExpiry } from './session-expiry.js';
import type { Sessions } from './sessions.js';
import { accessFor } from './topic-rules.js';

export interface AuthenticateOptions {
  sessions: Sessions;
  verifyToken: VerifyToken;
  refuse: RefuseFn;
  watchExpiry: WatchExpiry;
  logger: Logger;
  /** A longer client id gets CONNACK 2 before its token is even looked at. */
  limits: Pick<AuthLimits, 'maxClientIdLength' | 'maxConnectionsPerSubject' | 'maxPersistentSessionsPerSubject'>;
  connections: ConnectionQuota;
  persistentSessions: PersistentSessions;
}

type AuthenticateError = NonNullable<Parameters<Parameters<AuthenticateHook>[3]>[0]>;

/** CONNACK codes of MQTT 3.1.1 (§3.2.2.3) this hook answers with. */
const IDENTIFIER_REJECTED = 2;
const SERVER_UNAVAILABLE = 3;
const NOT_AUTHORIZED = 5;

function refusal(returnCode: number): AuthenticateError {
  return Object.assign(new Error('not authorized'), { returnCode }) as AuthenticateError;
}

/**
 * Checks the client id's length, verifies the token, applies the subject's quotas (concurrent
 * connections, persistent sessions), records the session and arms its expiry, then scopes the
 * client id by role and subject before aedes registers the client, takes over an older
 * connection or resumes a session. A bad token always gets CONNACK 5: a client is not told which
 * check its credentials failed; a quota gets 3 ("server unavailable": try again later).
 */
export function createAuthenticate({
  sessions,
  verifyToken,
  refuse,
  watchExpiry,
  logger,
  limits,
  connections,
  persistentSessions,
}: AuthenticateOptions): AuthenticateHook {
  const { maxClientIdLength } = limits;
  return (client, username, password, done) => {
    const clientId = client.id;
    if (clientId.length > maxClientIdLength) {
      refuse({
        reason: 'connect_client_id_too_long',
        detail: `client id of ${clientId.length} characters, over the limit of ${maxClientIdLength}`,
        clientId,
        context: { username: username ?? null, clientIdLength: clientId.length },
      });
      done(refusal(IDENTIFIER_REJECTED), false);
      return;
    }
    void checkCredentials(username, password, verifyToken)
      .then((check) => {
        if (!check.ok) {
          const who = check.claims ? { role: check.claims.role, sub: check.claims.sub } : undefined;
          refuse({ reason: check.reason, detail: check.detail, clientId, who, context: { username: username ?? null } });
          done(refusal(NOT_AUTHORIZED), false);
          return;
        }
        const { claims, expiresAtMs } = check;
        const who = { role: claims.role, sub: claims.sub };
        const scoped = scopedClientId(claims, clientId);
        const subject = subjectKey(claims);
        const limited = hasSubjectQuotas(claims.role);
        if (limited && !connections.tryAdd(client, subject, scoped)) {
          const max = limits.maxConnectionsPerSubject;
          refuse({
            reason: 'connect_subject_limit',
            detail: `this token already has ${max} connections open`,
            clientId,
            who,
            context: { maxConnectionsPerSubject: max },
          });
          done(refusal(SERVER_UNAVAILABLE), false);
          return;
        }
        const policy = { limited, expires: sessionsExpire(claims.role) };
        if (client.clean) persistentSessions.forget(scoped);
        else if ((policy.limited || policy.expires) && !persistentSessions.open(client, scoped, subject, policy)) {
          const max = limits.maxPersistentSessionsPerSubject;
          refuse({
            reason: 'connect_session_limit',
            detail: `this token already holds ${max} persistent sessions`,
            clientId,
            who,
            context: { maxPersistentSessionsPerSubject: max },
          });
          done(refusal(SERVER_UNAVAILABLE), false);
          return;
        }
        const session = { clientId, claims, access: accessFor(claims), expiresAtMs };
        sessions.set(client, session);
        watchExpiry(client, session);
        client.id = scoped;
        logger.debug({ clientId, role: claims.role, sub: claims.sub }, 'client authenticated');
        done(null, true);
      })
      .catch((err: unknown) => logger.error({ clientId, err }, 'authenticate hook failed'));
  };
}
