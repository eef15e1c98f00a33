import type { Logger } from '@orderpulse/service-kit';
import { trackPointOf, type PositionHistory } from './position-history.js';

/**
 * Keeps a position a delivery took, for its replay. After the delivery's own write: a failure
 * here is logged and loses only that point of the replay, never the report.
 */
export async function recordPosition(
  deps: { positions?: PositionHistory | undefined; logger: Logger; clock: () => Date },
  deliveryId: string,
  position: { lat: number; lng: number; heading?: number | undefined; at: string },
): Promise<void> {
  if (!deps.positions) return;
  try {
    await deps.positions.append(deliveryId, trackPointOf(position), deps.clock());
  } catch (err) {
    deps.logger.warn({ deliveryId, err }, 'a rider position could not be kept for replay');
  }
}
