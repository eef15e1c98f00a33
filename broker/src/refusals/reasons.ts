/** The `reason` label of `mqtt_refusals_total` and of every refusal log line; a closed set. */
export const REFUSAL_REASONS = [
  // Before CONNECT is accepted: the connection is closed, most without a CONNACK.
  'connect_address_limit',
  'connect_timeout',
  'packet_too_large',
  'packet_malformed',
  // CONNECT refused with a CONNACK.
  'connect_anonymous',
  'connect_token_invalid',
  'connect_token_expired',
  'connect_role_mismatch',
  'connect_client_id_too_long',
  'connect_subject_limit',
  'connect_session_limit',
  // Once connected.
  'subscribe_not_authorized',
  'subscribe_token_expired',
  'subscribe_limit',
  'publish_not_authorized',
  'publish_retain_not_allowed',
  'publish_token_expired',
  'payload_too_large',
  'forward_not_authorized',
] as const;

export type RefusalReason = (typeof REFUSAL_REASONS)[number];
export type ConnectRefusalReason = Extract<RefusalReason, `connect_${string}`>;
