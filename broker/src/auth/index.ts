import type { Logger } from '@orderpulse/service-kit';
import { createAuthenticate } from './authenticate.js';
import { createAuthorizeForward } from './authorize-forward.js';
import { createAuthorizePublish } from './authorize-publish.js';
import { createAuthorizeSubscribe } from './authorize-subscribe.js';
import type { VerifyToken } from './credentials.js';
import type { AuthHooks, RefusalReason } from './hook-types.js';
import { createRefuse } from './refusals.js';
import { createExpiryWatch } from './session-expiry.js';
import { createSessions } from './sessions.js';

export { REFUSAL_REASONS, type AuthHooks, type RefusalReason } from './hook-types.js';
export { scopedClientId } from './client-id.js';
export type { VerifyToken } from './credentials.js';
export * from './topic-rules.js';

export interface AuthHooksOptions {
  logger: Logger;
  maxPayloadBytes: number;
  /** Checks an MQTT password: service-kit's TokenService#verify over the shared JWT_SECRET. */
  verifyToken: VerifyToken;
  onRefused?: (reason: RefusalReason) => void;
  /** Called once for each connection closed because its token expired while it was connected. */
  onTokenExpired?: () => void;
}

/**
 * The four aedes hooks, sharing one record of who each client authenticated as and until when.
 * A connection is closed when its token expires (session-expiry.ts); publish and subscribe also
 * refuse an expired session in case that timer is late. authorizeForward does not look at the
 * expiry: it runs for every delivery, and the timer closing the connection ends deliveries too.
 */
export function createAuthHooks({ logger, maxPayloadBytes, verifyToken, onRefused = () => undefined, onTokenExpired = () => undefined }: AuthHooksOptions): AuthHooks {
  const sessions = createSessions();
  const refuse = createRefuse(logger, onRefused);
  const watchExpiry = createExpiryWatch({ logger, onExpired: onTokenExpired });
  return {
    authenticate: createAuthenticate({ sessions, verifyToken, refuse, watchExpiry, logger }),
    authorizePublish: createAuthorizePublish({ sessions, refuse, maxPayloadBytes }),
    authorizeSubscribe: createAuthorizeSubscribe({ sessions, refuse }),
    authorizeForward: createAuthorizeForward({ sessions, refuse }),
  };
}
