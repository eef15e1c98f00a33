import type { AedesOptions } from 'aedes';

export type AuthenticateHook = NonNullable<AedesOptions['authenticate']>;
export type AuthorizePublishHook = NonNullable<AedesOptions['authorizePublish']>;
export type AuthorizeSubscribeHook = NonNullable<AedesOptions['authorizeSubscribe']>;
export type AuthorizeForwardHook = NonNullable<AedesOptions['authorizeForward']>;

export interface AuthHooks {
  authenticate: AuthenticateHook;
  authorizePublish: AuthorizePublishHook;
  authorizeSubscribe: AuthorizeSubscribeHook;
  authorizeForward: AuthorizeForwardHook;
}

export interface AuthLimits {
  maxPayloadBytes: number;
  maxClientIdLength: number;
  /** Concurrent connections per customer or rider token subject (see role-limits.ts). */
  maxConnectionsPerSubject: number;
  /** Persistent sessions per customer or rider token subject (see sessions/persistent-sessions.ts). */
  maxPersistentSessionsPerSubject: number;
  /** Distinct topic filters one connection may hold (see subscription-quota.ts). */
  maxSubscriptionsPerClient: number;
  /** Publishes per second of one customer or rider token, all its connections together (see publish-pacer.ts). */
  maxPublishesPerSecond: number;
}

export { REFUSAL_REASONS, type RefusalReason, type ConnectRefusalReason } from '../refusals/reasons.js';
