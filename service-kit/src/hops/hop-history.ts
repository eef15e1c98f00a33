import type { HopKind, HopPatch, HopRow } from '@orderpulse/contracts';
import { JournaledMap } from '../persistence/journaled-map.js';

/** How many hop rows are kept per order (the newest versions of each kind) by default. */
export const DEFAULT_HOPS_PER_ORDER = 200;

/**
 * Issue 17 point 4: the hop times of each order's status changes and rider reports, kept for
 * its replay. Bounded per order (the oldest versions go first) and in time (an order's rows
 * are dropped as a whole once its newest was kept before the retention's cutoff).
 */
export interface HopHistory {
  /** Adds what `patch` knows to the order's row (kind, version); a time already kept stays (the first one counts). */
  record(orderId: string, kind: HopKind, version: number, patch: HopPatch, now: Date): Promise<void>;
  /** `record` for each, in order, as one write to the store (one journal write, one insert of many). */
  recordMany(records: ReadonlyArray<HopRecord>, now: Date): Promise<void>;
  /** Kind by kind, oldest version first; empty when none is kept. */
  list(orderId: string): Promise<HopRow[]>;
  /** Drops the orders whose newest row was kept before `cutoff`; returns how many. */
  pruneKeptBefore(cutoff: Date): Promise<number>;
}

/** What one source said of one row: the arguments of HopHistory.record. */
export interface HopRecord {
  orderId: string;
  kind: HopKind;
  version: number;
  patch: HopPatch;
}

/** `row` with the fields `patch` adds (only those not known yet); null when it adds nothing. */
export function mergeHopRow(row: HopRow, patch: HopPatch): HopRow | null {
  let merged: HopRow | null = null;
  for (const [key, value] of Object.entries(patch) as Array<[keyof HopPatch, HopPatch[keyof HopPatch]]>) {
    if (value === undefined || row[key] !== undefined) continue;
    merged = { ...(merged ?? row), [key]: value };
  }
  return merged;
}

const rank = (row: Pick<HopRow, 'kind' | 'version'>) => [row.kind === 'status' ? 0 : 1, row.version] as const;

/** Kind by kind, oldest version first. */
export function sortHopRows<R extends Pick<HopRow, 'kind' | 'version'>>(rows: R[]): R[] {
  return rows.sort((a, b) => rank(a)[0] - rank(b)[0] || a.version - b.version);
}

/** The rows past the bound: the lowest versions, whatever their kind (the order's story starts with them). */
export function hopRowsOverBound<R extends Pick<HopRow, 'kind' | 'version'> & { writtenAt?: string | undefined }>(rows: readonly R[], max: number): R[] {
  if (rows.length <= max) return [];
  const oldestFirst = [...rows].sort((a, b) => (a.writtenAt ?? '').localeCompare(b.writtenAt ?? '') || a.version - b.version);
  return oldestFirst.slice(0, rows.length - max);
}

/** One kept row as the zero-setup store holds it: a Map entry of its own, keyed by order, kind and version. */
export interface KeptHopRow {
  orderId: string;
  row: HopRow;
  /** When it was last changed (retention counts from an order's newest). */
  keptAt: string;
}

const keyOf = (orderId: string, row: Pick<HopRow, 'kind' | 'version'>) => `${orderId}|${row.kind}|${row.version}`;

/**
 * Over a Map of rows (plain, or a JournaledMap for the zero-setup store), one entry per row so
 * the journal grows by a row per time, not by the whole order. Orders are indexed in memory,
 * rebuilt from the Map at start.
 */
export function createMapHopHistory(entries: Map<string, KeptHopRow>, maxPerOrder: number = DEFAULT_HOPS_PER_ORDER): HopHistory {
  const orders = new Map<string, { rows: Map<string, HopRow>; keptAt: string }>();
  const index = (kept: KeptHopRow) => {
    const order = orders.get(kept.orderId) ?? { rows: new Map<string, HopRow>(), keptAt: kept.keptAt };
    order.rows.set(keyOf(kept.orderId, kept.row), kept.row);
    if (kept.keptAt > order.keptAt) order.keptAt = kept.keptAt;
    orders.set(kept.orderId, order);
  };
  for (const kept of entries.values()) index(kept);

  const writeAll = (changed: Array<[string, KeptHopRow]>) => {
    if (entries instanceof JournaledMap) entries.setMany(changed);
    else for (const [key, kept] of changed) entries.set(key, kept);
  };

  const history: HopHistory = {
    record(orderId, kind, version, patch, now) {
      return history.recordMany([{ orderId, kind, version, patch }], now);
    },
    async recordMany(records, now) {
      const keptAt = now.toISOString();
      const changed: Array<[string, KeptHopRow]> = [];
      // Rows merged earlier in this batch: indexed only once the write has succeeded.
      const merged = new Map<string, HopRow>();
      for (const { orderId, kind, version, patch } of records) {
        const key = keyOf(orderId, { kind, version });
        const row = mergeHopRow(merged.get(key) ?? orders.get(orderId)?.rows.get(key) ?? { kind, version }, patch);
        if (!row) continue;
        merged.set(key, row);
        changed.push([key, { orderId, row, keptAt }]);
      }
      writeAll(changed);
      for (const [, kept] of changed) index(kept);
      for (const orderId of new Set(changed.map(([, kept]) => kept.orderId))) {
        const rows = orders.get(orderId)!.rows;
        for (const old of hopRowsOverBound([...rows.values()], maxPerOrder)) {
          rows.delete(keyOf(orderId, old));
          entries.delete(keyOf(orderId, old));
        }
      }
    },
    async list(orderId) {
      return sortHopRows([...(orders.get(orderId)?.rows.values() ?? [])]);
    },
    async pruneKeptBefore(cutoff) {
      let dropped = 0;
      for (const [orderId, order] of [...orders]) {
        if (Date.parse(order.keptAt) >= cutoff.getTime()) continue;
        for (const key of order.rows.keys()) entries.delete(key);
        orders.delete(orderId);
        dropped += 1;
      }
      return dropped;
    },
  };
  return history;
}
