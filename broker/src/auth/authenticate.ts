import type { Logger } from '@orderpulse/service-kit';
import { scopedClientId } from './client-id.js';
import { checkCredentials, type VerifyToken } from './credentials.js';
import type { AuthenticateHook } from './hook-types.js';
import type { RefuseFn } from './refusals.js';
import type { WatchExpiry } from './session-expiry.js';
import type { Sessions } from './sessions.js';
import { accessFor } from './topic-rules.js';

export interface AuthenticateOptions {
  sessions: Sessions;
  verifyToken: VerifyToken;
  refuse: RefuseFn;
  watchExpiry: WatchExpiry;
  logger: Logger;
}

type AuthenticateError = NonNullable<Parameters<Parameters<AuthenticateHook>[3]>[0]>;

/** CONNACK 5 for every refusal: a client is not told which check its credentials failed. */
function notAuthorized(): AuthenticateError {
  return Object.assign(new Error('not authorized'), { returnCode: 5 }) as AuthenticateError;
}

/**
 * Verifies the token, records the session and arms its expiry, then scopes the client id by
 * role and subject before aedes registers the client, takes over an older connection or
 * resumes a session.
 */
export function createAuthenticate({ sessions, verifyToken, refuse, watchExpiry, logger }: AuthenticateOptions): AuthenticateHook {
  return (client, username, password, done) => {
    const clientId = client.id;
    void checkCredentials(username, password, verifyToken).then((check) => {
      if (!check.ok) {
        const who = check.claims ? { role: check.claims.role, sub: check.claims.sub } : undefined;
        refuse({ reason: check.reason, detail: check.detail, clientId, who, context: { username: username ?? null } });
        done(notAuthorized(), false);
        return;
      }
      const { claims, expiresAtMs } = check;
      const session = { clientId, claims, access: accessFor(claims), expiresAtMs };
      sessions.set(client, session);
      watchExpiry(client, session);
      client.id = scopedClientId(claims, clientId);
      logger.debug({ clientId, role: claims.role, sub: claims.sub }, 'client authenticated');
      done(null, true);
    }).catch((err: unknown) => logger.error({ clientId, err }, 'authenticate hook failed'));
  };
}
