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

/** The `reason` label of `mqtt_refusals_total` and of every refusal log line; a closed set. */
export const REFUSAL_REASONS = [
  'connect_anonymous',
  'connect_token_invalid',
  'connect_token_expired',
  'connect_role_mismatch',
  'subscribe_not_authorized',
  'subscribe_token_expired',
  'publish_not_authorized',
  'publish_token_expired',
  'payload_too_large',
  'forward_not_authorized',
] as const;

export type RefusalReason = (typeof REFUSAL_REASONS)[number];
export type ConnectRefusalReason = Extract<RefusalReason, `connect_${string}`>;
