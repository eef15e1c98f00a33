import type { Logger, OutboxNudge } from '@orderpulse/service-kit';
import type { DeliveryStore } from '../data-access/delivery-store.js';
import type { PositionHistory } from '../track/position-history.js';
import type { ReportTimeLimits } from './report-time.js';

export interface DeliveryUseCaseDeps {
  store: Pick<DeliveryStore, 'deliveries' | 'riders' | 'orders'>;
  /** Nudged with the delivery id after each write, so its event goes out at once. */
  outbox: OutboxNudge;
  clock: () => Date;
  logger: Logger;
  /** For the ETA from the rider's last position to the address. */
  averageSpeedKmh: number;
  /** Rider reports dated outside [now - maxAge, now + maxFutureSkew] are refused. */
  reportTimeLimits: ReportTimeLimits;
  /** Where rider positions are kept for replay; absent: not kept. */
  positions?: PositionHistory | undefined;
}
