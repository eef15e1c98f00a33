import { flag, positiveInt, replayHistoryConfig } from '@orderpulse/service-kit';
import type { TrackRetention } from './position-history.js';

export const DEFAULT_TRACK_RETENTION: TrackRetention = { maxPerDelivery: 2_000, retentionDays: 30 };

/** delivery-service's settings for the replay history (spread into its config shape). */
export const trackConfig = {
  /** POSITION_HISTORY_RETENTION_DAYS (a delivery's positions and an order's hop times) and POSITION_HISTORY_PRUNE_MS. */
  ...replayHistoryConfig,
  /** At most this many positions per delivery (the newest); a ride reporting every 2 s fills 2,000 in over an hour. */
  POSITION_HISTORY_MAX_PER_DELIVERY: positiveInt(DEFAULT_TRACK_RETENTION.maxPerDelivery),
  /** The customer may fetch their delivered order's path (GET /deliveries/:id/track). Off: only admins ever see a ridden path. */
  CUSTOMER_TRACK_AFTER_DELIVERY: flag(false),
};
