import { createLogger, type Logger } from '@orderpulse/service-kit';
import type { DeliveryStore } from '../../src/data-access/delivery-store.js';
import { createInMemoryDeliveryStore } from '../../src/data-access/in-memory-delivery-store.js';
import { createInMemoryProofFiles } from '../../src/data-access/proof-files.js';
import type { ProofKind } from '@orderpulse/contracts';
import type { DeliveryUseCaseDeps } from '../../src/domain/delivery-use-case-deps.js';

export interface TestDeps extends DeliveryUseCaseDeps {
  store: DeliveryStore;
  /** Delivery ids the outbox was kicked for, in order. */
  kicked: string[];
  /** Moves the clock on. */
  setNow(now: Date): void;
}

export const TEST_SPEED_KMH = 20;
/** The service's default. */
export const TEST_ARRIVAL_RADIUS_M = 150;
/** The service's defaults: 30 s ahead, a day behind. */
export const TEST_REPORT_TIME_LIMITS = { maxFutureSkewMs: 30_000, maxAgeMs: 24 * 3600_000 };

export function testDeps(overrides: { store?: DeliveryStore; now?: Date; logger?: Logger; shopProof?: ProofKind } = {}): TestDeps {
  const kicked: string[] = [];
  let now = overrides.now ?? new Date('2026-11-26T12:00:00.000Z');
  return {
    store: overrides.store ?? createInMemoryDeliveryStore(),
    outbox: { kick: (id) => kicked.push(id) },
    clock: () => now,
    logger: overrides.logger ?? createLogger('delivery-test', 'silent'),
    averageSpeedKmh: TEST_SPEED_KMH,
    arrivalRadiusM: TEST_ARRIVAL_RADIUS_M,
    proofPolicy: { shopProof: overrides.shopProof ?? 'none', maxPinAttempts: 5 },
    proofFiles: createInMemoryProofFiles(),
    reportTimeLimits: TEST_REPORT_TIME_LIMITS,
    kicked,
    setNow: (next) => {
      now = next;
    },
  };
}
