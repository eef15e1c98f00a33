import type { Logger } from '@orderpulse/service-kit';
import type { PersistentSessions } from '../sessions/persistent-sessions.js';
import { createAuthenticate } from './authenticate.js';
import { createAuthorizeForward } from './authorize-forward.js';
import { createAuthorizePublish } from './authorize-publish.js';
import { createAuthorizeSubscribe } from './authorize-subscribe.js';
import { createConnectionQuota } from './connection-quota.js';
import type { VerifyToken } from './credentials.js';
import type { AuthHooks, AuthLimits } from './hook-types.js';
import type { RefuseFn } from './refusals.js';
import { createExpiryWatch } from './session-expiry.js';
import { createSessions, type Session } from './sessions.js';
import type { Client } from 'aedes';
import type { SubscriptionQuota } from './subscription-quota.js';
import { createPublishPacer } from './publish-pacer.js';

export { REFUSAL_REASONS, type AuthHooks, type AuthLimits, type RefusalReason } from './hook-types.js';
export { scopedClientId, subjectKey } from './client-id.js';
export type { VerifyToken } from './credentials.js';
export * from './role-limits.js';
export * from './topic-rules.js';
export { createSubscriptionQuota, type SubscriptionQuota } from './subscription-quota.js';

export interface AuthHooksOptions {
  logger: Logger;
  /** Counts and logs refusals (refusals/refuse.ts). */
  refuse: RefuseFn;
  limits: AuthLimits;
  /** Checks an MQTT password: service-kit's TokenService#verify over the shared JWT_SECRET. */
  verifyToken: VerifyToken;
  persistentSessions: PersistentSessions;
  /** Filters held per connection; the caller releases them on aedes' 'unsubscribe' event. */
  subscriptions: SubscriptionQuota;
  /** Called once for each connection closed because its token expired while it was connected. */
  onTokenExpired?: () => void;
  /** Called for each publish held back to keep its token to MQTT_MAX_PUBLISHES_PER_SECOND. */
  onPublishDelayed?: () => void;
}

/**
 * The four aedes hooks, sharing one record of who each client authenticated as and until when.
 * A connection is closed when its token expires (session-expiry.ts); publish and subscribe also
 * refuse an expired session in case that timer is late. authorizeForward does not look at the
 * expiry: it runs for every delivery, and the timer closing the connection ends deliveries too.
 */
export function createAuthHooks({
  logger,
  refuse,
  limits,
  verifyToken,
  persistentSessions,
  subscriptions,
  onTokenExpired = () => undefined,
  onPublishDelayed,
}: AuthHooksOptions): AuthHooks & { sessionOf(client: Client): Session | undefined } {
  const sessions = createSessions();
  const watchExpiry = createExpiryWatch({ logger, onExpired: onTokenExpired });
  return {
    /** Who an authenticated client is (rider presence, presence.ts); not an aedes hook. */
    sessionOf: (client) => sessions.get(client),
    authenticate: createAuthenticate({
      sessions,
      verifyToken,
      refuse,
      watchExpiry,
      logger,
      limits,
      connections: createConnectionQuota(limits.maxConnectionsPerSubject),
      persistentSessions,
    }),
    authorizePublish: createAuthorizePublish({
      sessions,
      refuse,
      maxPayloadBytes: limits.maxPayloadBytes,
      pacer: createPublishPacer(limits.maxPublishesPerSecond),
      ...(onPublishDelayed && { onDelayed: onPublishDelayed }),
    }),
    authorizeSubscribe: createAuthorizeSubscribe({ sessions, refuse, subscriptions, maxSubscriptionsPerClient: limits.maxSubscriptionsPerClient }),
    authorizeForward: createAuthorizeForward({ sessions, refuse }),
  };
}
