import type { HopHistory, Logger, OutboxNudge } from '@orderpulse/service-kit';
import type { DeliveryStore } from '../data-access/delivery-store.js';
import type { ProofFileStore } from '../data-access/proof-files.js';
import type { ProofPolicy } from './proof-of-delivery.js';
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
  /** A rider position within this many metres of the address records "arriving" (once per delivery). */
  arrivalRadiusM: number;
  /** Which proof "delivered" needs, and how many wrong PINs lock it. */
  proofPolicy: ProofPolicy;
  /** Proof photos and signatures: the store's own, or PROOF_DIR. */
  proofFiles: ProofFileStore;
  /** Rider reports dated outside [now - maxAge, now + maxFutureSkew] are refused. */
  reportTimeLimits: ReportTimeLimits;
  /** Where rider positions are kept for replay; absent: not kept. */
  positions?: PositionHistory | undefined;
  /** Issue 17 point 4: where each order's hop times are kept for replay; absent: not kept. */
  hops?: HopHistory | undefined;
}
