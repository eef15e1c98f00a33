import { hopRowOfEvent, type HopKind, type HopPatch } from '@orderpulse/contracts';
import type { Logger } from '../logger.js';
import type { HopHistory } from './hop-history.js';

type KeptEvent = { orderId: string; type: string; version: number; occurredAt: string; data: unknown };
type KeptRow = HopPatch & { kind: HopKind; version: number };

export interface HopDeps {
  hops?: HopHistory | undefined;
  logger: Logger;
  clock: () => Date;
}

/**
 * Keeps what sources know of changes' hops (issue 17 point 4), in one write. After the changes'
 * own writes: a failure is logged and loses only those times of the replay, never a change.
 */
async function keepHops(deps: HopDeps, rows: ReadonlyArray<{ orderId: string; row: KeptRow }>): Promise<void> {
  if (!deps.hops || rows.length === 0) return;
  try {
    await deps.hops.recordMany(
      rows.map(({ orderId, row: { kind, version, ...patch } }) => ({ orderId, kind, version, patch })),
      deps.clock(),
    );
  } catch (err) {
    const first = rows[0]!;
    deps.logger.warn(
      { orderId: first.orderId, kind: first.row.kind, version: first.row.version, rows: rows.length, err },
      'hop times could not be kept for replay',
    );
  }
}

export interface HopKeeperOptions {
  /** Writes under way at once: hop times never take more of the store's pool than this. */
  concurrency: number;
  /** Changes waiting to be written; past it a time is dropped (and counted), never the change it belongs to. */
  maxQueued: number;
  /** How long times are gathered before they are written: a change's times that come close together (a broker's and a device's receipt) make one write. */
  flushMs: number;
  /** Changes' times handed to the store in one write (one journal write, one insert of many). */
  rowsPerWrite: number;
}

export const DEFAULT_HOP_KEEPER: HopKeeperOptions = { concurrency: 2, maxQueued: 5_000, flushMs: 250, rowsPerWrite: 500 };

/**
 * Takes hop times from the relay and the receipts without making them wait (issue 17 point 4):
 * they are gathered for `flushMs`, the times of one change merged into one write, and written by
 * a few workers, so publishing, consuming and rider reports never queue behind a replay's
 * bookkeeping, and the store gets one write per `rowsPerWrite` changes' times. Bounded; a full
 * queue drops times.
 */
export class HopKeeper {
  /** Gathered, by order, kind and version. */
  private gathered = new Map<string, { orderId: string; row: KeptRow }>();
  private readonly queue: Array<{ orderId: string; row: KeptRow }> = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = 0;
  private closed = false;
  private droppedCount = 0;
  private waiters: Array<() => void> = [];
  /** The fields already taken per change (the newest changes): a repeat (a redelivered event's receipts) costs no write. */
  private readonly taken = new Map<string, Set<string>>();
  private readonly options: HopKeeperOptions;

  constructor(
    private readonly deps: HopDeps,
    options: Partial<HopKeeperOptions> = {},
  ) {
    this.options = { ...DEFAULT_HOP_KEEPER, ...options };
  }

  keep(orderId: string, row: KeptRow | undefined): void {
    if (!row || !this.deps.hops || this.closed) return;
    const key = `${orderId}|${row.kind}|${row.version}`;
    const fields = Object.keys(row).filter((field) => field !== 'kind' && field !== 'version' && row[field as keyof KeptRow] !== undefined);
    const taken = this.taken.get(key) ?? new Set<string>();
    if (fields.every((field) => taken.has(field))) return;
    const known = this.gathered.get(key);
    if (known) {
      // The first time of each hop counts, as in the store.
      known.row = { ...row, ...known.row };
    } else if (this.gathered.size + this.queue.length >= this.options.maxQueued) {
      this.droppedCount += 1;
      if (this.droppedCount % 1_000 === 1) this.deps.logger.warn({ dropped: this.droppedCount }, 'hop times dropped: the store is not keeping up');
      return;
    } else {
      this.gathered.set(key, { orderId, row });
    }
    for (const field of fields) taken.add(field);
    this.taken.delete(key);
    this.taken.set(key, taken);
    if (this.taken.size > this.options.maxQueued * 4) this.taken.delete(this.taken.keys().next().value!);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.options.flushMs);
      this.timer.unref?.();
    }
  }

  /** An event's write time, and RabbitMQ's confirm of it when given (the outbox relay's 'published'). */
  keepEvent(event: KeptEvent, confirmedAtMs?: number): void {
    this.keep(event.orderId, hopRowOfEvent(event, confirmedAtMs));
  }

  /** Hands what was gathered to the writers now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.push(...this.gathered.values());
    this.gathered = new Map();
    this.pump();
  }

  get dropped(): number {
    return this.droppedCount;
  }

  /** Writes what was gathered; resolves once everything taken so far is written (or failed and logged). */
  idle(): Promise<void> {
    this.flush();
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Takes no more; resolves once what was taken is written. */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
  }

  private pump(): void {
    while (this.running < this.options.concurrency && this.queue.length > 0) {
      const rows = this.queue.splice(0, this.options.rowsPerWrite);
      this.running += 1;
      void keepHops(this.deps, rows).finally(() => {
        this.running -= 1;
        this.pump();
        if (this.running === 0 && this.queue.length === 0) for (const resolve of this.waiters.splice(0)) resolve();
      });
    }
  }
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
