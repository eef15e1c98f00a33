import { AsyncLocalStorage } from 'node:async_hooks';
import type { Model } from 'mongoose';
import { OutboxDrainBusyError, type OutboxEvent, type OutboxStore } from '../outbox/outbox-store.js';
import { LockBusyError, type MongoLocks } from './mongo-locks.js';

/**
 * The outbox inside each aggregate's MongoDB document: `pendingEvents` (the events written with
 * the change that caused them), `outboxSince` (when the oldest of them was written; absent when
 * there is none, so a sparse index lists exactly the aggregates with work) and `outboxPending`
 * (true exactly when `outboxSince` is set).
 * Every query here is one both MongoDB 7 and FerretDB 1.24 run:
 * no `$pull` by condition, no sort on an array field and no `$size` in aggregations, which
 * FerretDB 1.24 does not implement. The sweep asks for `outboxPending: true` because FerretDB 1.24
 * hands PostgreSQL only equality on a scalar: `$exists` alone made it read and decode every
 * document of the collection in its own process on every sweep (over a second per sweep with
 * 5,000 orders, once a second per service).
 */
export interface OutboxFields<E> {
  pendingEvents: E[];
  outboxSince?: Date;
  outboxPending?: boolean;
  version: number;
}

/** JSON round trip: drops `undefined` keys, which the driver would otherwise store as null. */
export function plainJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function writtenAt(event: OutboxEvent): Date {
  return event.occurredAt ? new Date(event.occurredAt) : new Date();
}

/** The outbox fields of a new aggregate whose first event is `created`. */
export function newOutboxFields<E extends OutboxEvent>(created: E): Pick<OutboxFields<E>, 'pendingEvents' | 'outboxSince' | 'outboxPending'> {
  return { pendingEvents: [plainJson(created)], outboxSince: writtenAt(created), outboxPending: true };
}

/** The update that sets the change's own fields (`set`) and appends `event` to the outbox. */
export function appendToOutbox<S extends object>(
  event: OutboxEvent,
  set: S,
): { $set: S & { outboxPending: true }; $push: { pendingEvents: unknown }; $min: { outboxSince: Date } } {
  return { $set: { ...set, outboxPending: true }, $push: { pendingEvents: plainJson(event) }, $min: { outboxSince: writtenAt(event) } };
}

export interface MongoOutboxOptions {
  /** How long a drain's claim on one aggregate lasts unless renewed (renewed every third of it while the drain runs). */
  leaseMs?: number;
  /**
   * How long exclusiveDrain waits for another process's drain of the same aggregate before
   * leaving it to that process and the next sweep (OutboxDrainBusyError).
   */
  waitMs?: number;
}

export interface MongoOutbox<E extends OutboxEvent> extends OutboxStore<E> {
  exclusiveDrain<T>(aggregateId: string, drain: () => Promise<T>): Promise<T>;
  countPendingEvents(): Promise<number>;
  /**
   * Runs one write of the aggregate's document while no other process writes it. Every update
   * of an aggregate document goes through here: FerretDB 1.24 applies an update as a read
   * followed by a whole-document write, so two overlapping updates of one document can lose one.
   */
  writeLocked<T>(aggregateId: string, write: () => Promise<T>): Promise<T>;
}

/** The outbox fields as the queries below see them, whatever else the aggregate's document holds. */
interface OutboxDocument {
  _id: string;
  pendingEvents: Array<OutboxEvent & Record<string, unknown>>;
  outboxSince?: Date;
  outboxPending?: boolean;
  version: number;
}

/** The update that leaves `rest` as the pending events, keeping `outboxSince` and `outboxPending` true to it. */
function withPending(rest: OutboxEvent[]) {
  const oldest = rest.reduce<Date | undefined>((min, event) => {
    const at = writtenAt(event);
    return min === undefined || at < min ? at : min;
  }, undefined);
  return oldest ? { $set: { pendingEvents: rest, outboxSince: oldest } } : { $set: { pendingEvents: rest }, $unset: { outboxSince: '', outboxPending: '' } };
}

/** A single write holds its aggregate's lock for a round trip or two; one that died frees it after this. */
const WRITE_LOCK = { ttlMs: 3_000, waitMs: 10_000 };

/**
 * The outbox port over one collection of aggregates. Several processes may share it: a drain
 * holds a per-aggregate lease (service-kit's MongoLocks), so each event leaves once and one
 * aggregate's events leave in version order.
 */
export function createMongoOutbox<E extends OutboxEvent, D extends OutboxFields<E>>(
  model: Model<D>,
  locks: MongoLocks,
  options: MongoOutboxOptions = {},
): MongoOutbox<E> {
  const drainLock = { ttlMs: options.leaseMs ?? 15_000, waitMs: options.waitMs ?? 2_000, renew: true };
  // Mongoose's typings cannot follow filters over a generic document type; the contract suites check these queries.
  const collection = model as unknown as Model<OutboxDocument>;
  const writeLocked = <T>(id: string, write: () => Promise<T>) => locks.withLock(`write:${collection.collection.name}:${id}`, WRITE_LOCK, write);
  // What the drain running in this async context last read of its aggregate's outbox.
  const draining = new AsyncLocalStorage<{ id: string; read?: { version: number; pending: E[] } | undefined }>();

  return {
    writeLocked,

    async idsWithPendingEvents(limit, writtenBefore) {
      const docs = await collection
        .find({ outboxPending: true, outboxSince: writtenBefore ? { $exists: true, $lt: writtenBefore } : { $exists: true } }, { _id: 1 })
        .sort({ outboxSince: 1, _id: 1 })
        .limit(limit)
        .lean<Array<{ _id: string }>>();
      return docs.map((doc) => doc._id);
    },

    async pendingEventsOf(id) {
      const doc = await collection.findById(id, { pendingEvents: 1, version: 1 }).lean<{ pendingEvents?: E[]; version: number }>();
      const view = draining.getStore();
      if (view?.id === id) view.read = doc ? { version: doc.version, pending: doc.pendingEvents ?? [] } : undefined;
      return doc?.pendingEvents ?? [];
    },

    removePendingEvent(id, eventId) {
      // Not `$pull` by condition (FerretDB 1.24 ignores it): the rest is written back.
      return writeLocked(id, async () => {
        const view = draining.getStore();
        const known = view?.id === id ? view.read : undefined;
        if (known?.pending.some((event) => event.id === eventId)) {
          // Inside this process's drain of the aggregate nobody else removes its events, and every
          // change raises its version: while the version is the one read, the list read is current,
          // so the write needs no second read (each read scans the whole table on FerretDB 1.24).
          const rest = known.pending.filter((event) => event.id !== eventId);
          const { matchedCount } = await collection.updateOne({ _id: id, version: known.version }, withPending(rest));
          if (matchedCount === 1) {
            known.pending = rest;
            return;
          }
        }
        const doc = await collection.findById(id, { pendingEvents: 1, version: 1 }).lean<{ pendingEvents?: E[]; version: number }>();
        const pending = doc?.pendingEvents ?? [];
        if (view?.id === id) view.read = undefined;
        if (!doc || !pending.some((event) => event.id === eventId)) return;
        const rest = pending.filter((event) => event.id !== eventId);
        await collection.updateOne({ _id: id, version: doc.version }, withPending(rest));
        if (view?.id === id) view.read = { version: doc.version, pending: rest };
      });
    },

    exclusiveDrain<T>(id: string, drain: () => Promise<T>): Promise<T> {
      return locks.withLock(`drain:${collection.collection.name}:${id}`, drainLock, () => draining.run({ id }, drain)).catch((err: unknown) => {
        throw err instanceof LockBusyError ? new OutboxDrainBusyError(id, drainLock.waitMs) : err;
      });
    },

    async countPendingEvents() {
      const [row] = await collection.aggregate<{ count: number }>([
        { $match: { outboxPending: true } },
        { $unwind: '$pendingEvents' },
        { $count: 'count' },
      ]);
      return row?.count ?? 0;
    },
  };
}
