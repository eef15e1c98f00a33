import { flag, positiveInt } from '@orderpulse/service-kit';
import type { TrackRetention } from './position-history.js';

export const DEFAULT_TRACK_RETENTION: TrackRetention = { maxPerDelivery: 2_000, retentionDays: 30 };

/** delivery-service's settings for the replay history (spread into its config shape). */
export const trackConfig = {
  /** A delivery's rider positions are dropped this many days after the last one was kept. */
  POSITION_HISTORY_RETENTION_DAYS: positiveInt(DEFAULT_TRACK_RETENTION.retentionDays),
  /** At most this many positions per delivery (the newest); a ride reporting every 2 s fills 2,000 in over an hour. */
  POSITION_HISTORY_MAX_PER_DELIVERY: positiveInt(DEFAULT_TRACK_RETENTION.maxPerDelivery),
  /** How often tracks past their retention are pruned. */
  POSITION_HISTORY_PRUNE_MS: positiveInt(3_600_000),
  /** The customer may fetch their delivered order's path (GET /deliveries/:id/track). Off: only admins ever see a ridden path. */
  CUSTOMER_TRACK_AFTER_DELIVERY: flag(false),
};
