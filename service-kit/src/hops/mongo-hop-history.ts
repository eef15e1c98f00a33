import type { HopKind, HopPatch, HopRow } from '@orderpulse/contracts';
import type { Connection } from 'mongoose';
import { DEFAULT_HOPS_PER_ORDER, hopRowsOverBound, sortHopRows, type HopHistory } from './hop-history.js';
import { duplicateKeyOn } from '../persistence/mongo-connection.js';

/** One time (or the type, or the status) of one row: `_id` is `<orderId>|<kind>|<version>|<field>`. */
interface HopFieldDocument {
  _id: string;
  orderId: string;
  kind: HopKind;
  version: number;
  field: keyof HopPatch;
  value: string | boolean;
  keptAt: Date;
}

/** Orders pruned per round (an `$in` of their ids). */
const PRUNE_BATCH = 500;

function foldRows(docs: readonly HopFieldDocument[]): HopRow[] {
  const rows = new Map<string, HopRow>();
  for (const doc of docs) {
    const key = `${doc.kind}|${doc.version}`;
    const row = rows.get(key) ?? { kind: doc.kind, version: doc.version };
    rows.set(key, { ...row, [doc.field]: doc.value });
  }
  return [...rows.values()];
}

/**
 * `order_hops` in MongoDB: a document per field of a row, written with an insert against its
 * unique `_id`, so the first time of each hop wins and concurrent writers of one change never
 * lose each other's time. An insert is atomic on MongoDB and FerretDB alike; a conditional
 * update is not on FerretDB 1.24 (see mongo-locks.ts). An order's rows go together: pruned once
 * its newest field was kept before the cutoff, trimmed to its newest `maxPerOrder` rows.
 */
export async function openMongoHopHistory(connection: Connection, maxPerOrder: number = DEFAULT_HOPS_PER_ORDER): Promise<HopHistory> {
  const fields = connection.collection<HopFieldDocument>('order_hops');
  await fields.createIndex({ orderId: 1 });
  await fields.createIndex({ keptAt: 1 });

  const trim = async (orderId: string) => {
    // A row has at least one field: while the order holds no more fields than rows allowed, it is within the bound.
    if ((await fields.countDocuments({ orderId })) <= maxPerOrder) return;
    const rows = foldRows(await fields.find({ orderId }).toArray());
    const over = hopRowsOverBound(rows, maxPerOrder);
    if (over.length > 0) await fields.deleteMany({ orderId, $or: over.map((r) => ({ kind: r.kind, version: r.version })) });
  };

  return {
    async record(orderId, kind, version, patch, now) {
      const entries = Object.entries(patch).filter(([, value]) => value !== undefined) as Array<[keyof HopPatch, string | boolean]>;
      let added = false;
      await Promise.all(
        entries.map(async ([field, value]) => {
          try {
            await fields.insertOne({ _id: `${orderId}|${kind}|${version}|${field}`, orderId, kind, version, field, value, keptAt: now });
            added = true;
          } catch (err) {
            if (duplicateKeyOn(err, '_id') === false) throw err;
          }
        }),
      );
      if (added) await trim(orderId);
    },
    async list(orderId) {
      return sortHopRows(foldRows(await fields.find({ orderId }).toArray()));
    },
    async pruneKeptBefore(cutoff) {
      let dropped = 0;
      for (;;) {
        const stale = (await fields.distinct('orderId', { keptAt: { $lt: cutoff } })).slice(0, PRUNE_BATCH) as string[];
        if (stale.length === 0) return dropped;
        const fresh = new Set((await fields.distinct('orderId', { orderId: { $in: stale }, keptAt: { $gte: cutoff } })) as string[]);
        const gone = stale.filter((id) => !fresh.has(id));
        // Fresh orders keep their old fields too: their rows go as a whole, when their newest is old.
        if (gone.length > 0) await fields.deleteMany({ orderId: { $in: gone } });
        dropped += gone.length;
        if (gone.length === 0 || stale.length < PRUNE_BATCH) return dropped;
      }
    },
  };
}
