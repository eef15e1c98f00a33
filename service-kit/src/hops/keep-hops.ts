import { hopRowOfEvent, type HopKind, type HopPatch } from '@orderpulse/contracts';
import type { Logger } from '../logger.js';
import type { HopHistory } from './hop-history.js';

export interface HopDeps {
  hops?: HopHistory | undefined;
  logger: Logger;
  clock: () => Date;
}

/**
 * Keeps what one source knows of a change's hops (issue 17 point 4). After the change's own
 * write: a failure is logged and loses only that time of the replay, never the change.
 */
export async function keepHop(deps: HopDeps, orderId: string, row: (HopPatch & { kind: HopKind; version: number }) | undefined): Promise<void> {
  if (!deps.hops || !row) return;
  const { kind, version, ...patch } = row;
  try {
    await deps.hops.record(orderId, kind, version, patch, deps.clock());
  } catch (err) {
    deps.logger.warn({ orderId, kind, version, err }, 'a hop time could not be kept for replay');
  }
}

/** An event's write time, and RabbitMQ's confirm of it when given (the outbox relay's 'published'). */
export function keepEventHop(
  deps: HopDeps,
  event: { orderId: string; type: string; version: number; occurredAt: string; data: unknown },
  confirmedAtMs?: number,
): Promise<void> {
  return keepHop(deps, event.orderId, hopRowOfEvent(event, confirmedAtMs));
}

/** Drops the orders whose hop times are past `retentionDays`; returns how many. */
export async function pruneHopHistory(deps: HopDeps, retentionDays: number): Promise<number> {
  if (!deps.hops) return 0;
  const cutoff = new Date(deps.clock().getTime() - retentionDays * 86_400_000);
  const dropped = await deps.hops.pruneKeptBefore(cutoff);
  if (dropped > 0) deps.logger.info({ dropped, cutoff: cutoff.toISOString() }, 'hop times past their retention dropped');
  return dropped;
}

/** Prunes at start and then every `intervalMs`; a failed pass is logged and the next one tries again. */
export function startHopHistoryPruner(deps: HopDeps, retentionDays: number, intervalMs: number): { stop(): void } {
  const pass = () => void pruneHopHistory(deps, retentionDays).catch((err: unknown) => deps.logger.warn({ err }, 'pruning the hop history failed'));
  pass();
  const timer = setInterval(pass, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
