import type { HopKind, HopPatch, HopRow } from '@orderpulse/contracts';
import type { Connection } from 'mongoose';
import { duplicateKeyOn } from '../persistence/mongo-connection.js';
import { DEFAULT_HOPS_PER_ORDER, hopRowsOverBound, mergeHopRow, sortHopRows, type HopHistory } from './hop-history.js';

/**
 * What one source said of one row (the relay's write and confirm, a broker receipt, a device
 * receipt): `_id` is `<orderId>|<kind>|<version>|<the fields it names>`, so a source repeating
 * itself (a redelivery, a second confirm) hits the same `_id` and is not kept twice.
 */
interface HopSourceDocument {
  _id: string;
  orderId: string;
  kind: HopKind;
  version: number;
  patch: HopPatch;
  keptAt: Date;
}

/** Orders pruned per round (an `$in` of their ids). */
const PRUNE_BATCH = 500;

/** The rows, each time the first one kept (documents are folded oldest first). */
function foldRows(docs: HopSourceDocument[]): HopRow[] {
  const rows = new Map<string, HopRow>();
  docs.sort((a, b) => a.keptAt.getTime() - b.keptAt.getTime() || a._id.localeCompare(b._id));
  for (const doc of docs) {
    const key = `${doc.kind}|${doc.version}`;
    const row = rows.get(key) ?? { kind: doc.kind, version: doc.version };
    rows.set(key, mergeHopRow(row, doc.patch) ?? row);
  }
  return [...rows.values()];
}

/**
 * `order_hops` in MongoDB: one document per source of a row, written with a single insert
 * against its unique `_id`, so concurrent writers of one change never lose each other's times
 * (an insert is atomic on MongoDB and FerretDB alike; a conditional update is not on FerretDB
 * 1.24, see mongo-locks.ts) and an event costs one insert. An order's rows go together: pruned
 * once its newest was kept before the cutoff, trimmed to its newest `maxPerOrder` rows.
 */
export async function openMongoHopHistory(connection: Connection, maxPerOrder: number = DEFAULT_HOPS_PER_ORDER): Promise<HopHistory> {
  const sources = connection.collection<HopSourceDocument>('order_hops');
  await sources.createIndex({ orderId: 1 });
  await sources.createIndex({ keptAt: 1 });

  const trim = async (orderId: string) => {
    // Every row has a document: while the order holds no more documents than rows allowed, it is within the bound.
    if ((await sources.countDocuments({ orderId })) <= maxPerOrder) return;
    const over = hopRowsOverBound(foldRows(await sources.find({ orderId }).toArray()), maxPerOrder);
    if (over.length > 0) await sources.deleteMany({ orderId, $or: over.map((r) => ({ kind: r.kind, version: r.version })) });
  };

  const history: HopHistory = {
    record(orderId, kind, version, patch, now) {
      return history.recordMany([{ orderId, kind, version, patch }], now);
    },
    async recordMany(records, now) {
      const docs: HopSourceDocument[] = [];
      for (const { orderId, kind, version, patch } of records) {
        const known = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as HopPatch;
        const fields = Object.keys(known).sort();
        if (fields.length > 0) docs.push({ _id: `${orderId}|${kind}|${version}|${fields.join(',')}`, orderId, kind, version, patch: known, keptAt: now });
      }
      if (docs.length === 0) return;
      // Unordered: a source repeating itself only loses its own insert (duplicate _id); the rest are kept.
      await sources.insertMany(docs, { ordered: false }).catch((err: unknown) => {
        if (!onlyDuplicateIds(err)) throw err;
      });
      // Versions count per kind from 1: while both kinds stay within half the bound, so do the rows.
      for (const orderId of new Set(docs.filter((doc) => doc.version > maxPerOrder / 2).map((doc) => doc.orderId))) await trim(orderId);
    },
    async list(orderId) {
      return sortHopRows(foldRows(await sources.find({ orderId }).toArray()));
    },
    async pruneKeptBefore(cutoff) {
      const stale = (await sources.distinct('orderId', { keptAt: { $lt: cutoff } })) as string[];
      let dropped = 0;
      for (let from = 0; from < stale.length; from += PRUNE_BATCH) {
        const batch = stale.slice(from, from + PRUNE_BATCH);
        const fresh = new Set((await sources.distinct('orderId', { orderId: { $in: batch }, keptAt: { $gte: cutoff } })) as string[]);
        // An order with a fresh time keeps its old ones too: its rows go as a whole, once its newest is old.
        const gone = batch.filter((id) => !fresh.has(id));
        if (gone.length > 0) await sources.deleteMany({ orderId: { $in: gone } });
        dropped += gone.length;
      }
      return dropped;
    },
  };
  return history;
}

/** An insert of many that failed only because some `_id`s were already kept (documents have no other unique index). */
function onlyDuplicateIds(err: unknown): boolean {
  const writeErrors = (err as { writeErrors?: unknown }).writeErrors;
  if (Array.isArray(writeErrors) && writeErrors.length > 0) return writeErrors.every((writeError: { code?: number }) => writeError.code === 11000);
  return duplicateKeyOn(err, '_id') !== false;
}
