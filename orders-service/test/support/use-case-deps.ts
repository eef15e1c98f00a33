import { createLogger } from '@orderpulse/service-kit';
import { createInMemoryOrderRepository } from '../../src/data-access/in-memory-order-repository.js';
import type { OrderRepository } from '../../src/data-access/order-repository.js';
import type { OrderUseCaseDeps } from '../../src/domain/order-use-case-deps.js';

export interface TestDeps extends OrderUseCaseDeps {
  /** Order ids the outbox was kicked for, in order. */
  kicked: string[];
}

export function testDeps(overrides: { repository?: OrderRepository; now?: Date } = {}): TestDeps {
  const kicked: string[] = [];
  const now = overrides.now ?? new Date('2026-11-26T12:00:00.000Z');
  return {
    repository: overrides.repository ?? createInMemoryOrderRepository(),
    outbox: { kick: (orderId) => kicked.push(orderId) },
    clock: () => now,
    logger: createLogger('orders-service-test', 'silent'),
    kicked,
  };
}
