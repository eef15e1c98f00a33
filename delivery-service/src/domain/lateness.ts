import { latenessOf, type DeliverySnapshot } from '@orderpulse/contracts';
import { snapshotEvent } from './delivery-events.js';
import type { DeliveryUseCaseDeps } from './delivery-use-case-deps.js';
import { writeDeliveryChange, type DeliveryWriteResult } from './write-delivery-change.js';

type LatenessDeps = Pick<DeliveryUseCaseDeps, 'store' | 'outbox' | 'logger' | 'clock'>;

/**
 * Issue 18 point 5. Whether the delivery has just become late and is not marked yet: still open,
 * and its ETA (or the clock) is past the promised window's end.
 */
export function becameLate(delivery: DeliverySnapshot, now: Date): boolean {
  return !delivery.lateSince && latenessOf(delivery, now, 0).state === 'late';
}

/**
 * Marks the delivery late (lateSince) at its next version with a delivery.late event carrying
 * the snapshot. Once per delivery: a delivery already marked, or not late (any more), is left
 * as it is, so racing instances and repeated sweeps write it once.
 */
export function markLate(deps: LatenessDeps, deliveryId: string): Promise<DeliveryWriteResult> {
  const now = deps.clock();
  return writeDeliveryChange(deps, deliveryId, (current) => {
    if (current.lateSince) return { unchanged: 'already marked late' };
    if (!becameLate(current, now)) return { unchanged: 'not late' };
    const at = now.toISOString();
    const next: DeliverySnapshot = { ...current, lateSince: at, version: current.version + 1, updatedAt: at };
    return { next, event: snapshotEvent('delivery.late', next) };
  });
}

/** After another change: mark the delivery late when that change made it so. A failure is logged; the periodic sweep catches the window's end. */
export async function followUpLateness(deps: LatenessDeps, delivery: DeliverySnapshot): Promise<void> {
  if (!becameLate(delivery, deps.clock())) return;
  try {
    const result = await markLate(deps, delivery.id);
    if (result.changed) {
      deps.logger.info(
        {
          deliveryId: delivery.id,
          orderId: delivery.orderId,
          lateSince: result.delivery.lateSince,
          windowEnd: delivery.promisedWindow?.end,
          eta: delivery.eta?.at,
        },
        'delivery is late',
      );
    }
  } catch (err) {
    deps.logger.warn({ err, deliveryId: delivery.id, orderId: delivery.orderId }, 'could not mark the delivery late; the lateness sweep will');
  }
}

export interface LatenessSweep {
  /** One pass: marks every overdue delivery (at most `batch`), resolves with how many were marked. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The periodic check: a delivery whose window ends without any new event (no position, no
 * status) is still found late. Every `intervalMs`, the open deliveries whose window has ended and
 * that are not marked yet get delivery.late. Passes never overlap.
 */
export function startLatenessSweep(deps: LatenessDeps, options: { intervalMs: number; batch: number }): LatenessSweep {
  let running: Promise<number> | undefined;
  let stopped = false;
  const pass = async (): Promise<number> => {
    const overdue = await deps.store.deliveries.overdue(deps.clock(), options.batch);
    let marked = 0;
    for (const delivery of overdue) {
      if (stopped) break;
      try {
        const result = await markLate(deps, delivery.id);
        if (result.changed) {
          marked += 1;
          deps.logger.info(
            { deliveryId: delivery.id, orderId: delivery.orderId, windowEnd: delivery.promisedWindow?.end },
            'delivery is late: its window ended before delivery',
          );
        }
      } catch (err) {
        deps.logger.warn({ err, deliveryId: delivery.id, orderId: delivery.orderId }, 'lateness sweep could not mark a delivery; next pass retries');
      }
    }
    return marked;
  };
  const runOnce = () => {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    runOnce().catch((err: unknown) => deps.logger.warn({ err }, 'lateness sweep failed; next pass retries'));
  }, options.intervalMs);
  timer.unref();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
