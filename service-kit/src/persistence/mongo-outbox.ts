import type { Model } from 'mongoose';
import { OutboxDrainBusyError, type OutboxEvent, type OutboxStore } from '../outbox/outbox-store.js';
import { LockBusyError, LockLostError, type Lease, type MongoLocks } from './mongo-locks.js';

/**
 * The outbox inside each aggregate's MongoDB document: `pendingEvents` (the events written with
 * the change that caused them), `outboxSince` (when the oldest of them was written; absent when
 * there is none, so a sparse index lists exactly the aggregates with work).
 * Every query here is one both MongoDB 7 and FerretDB 1.24 run:
 * no `$pull` by condition, no sort on an array field and no `$size` in aggregations, which
 * FerretDB 1.24 does not implement.
 */
export interface OutboxFields<E> {
  pendingEvents: E[];
  outboxSince?: Date;
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
export function newOutboxFields<E extends OutboxEvent>(created: E): Pick<OutboxFields<E>, 'pendingEvents' | 'outboxSince'> {
  return { pendingEvents: [plainJson(created)], outboxSince: writtenAt(created) };
}

/** Update operators that append `event` to the outbox; combine with the change's own `$set`. */
export function appendToOutbox(event: OutboxEvent): { $push: { pendingEvents: unknown }; $min: { outboxSince: Date } } {
  return { $push: { pendingEvents: plainJson(event) }, $min: { outboxSince: writtenAt(event) } };
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
  version: number;
}

/**
 * A single write holds its aggregate's lock for a round trip or two; one whose holder died frees
 * it after 10 s. Renewed every second while held, and a write starts only while at least 5 s of
 * it are confirmed left (Lease.held): on a loaded store the renewals queue behind other queries,
 * and a lock that lapsed under a live holder let a second writer in. FerretDB writes whole
 * documents, so overlapping writes lost one: an event removed twice left twice, and a removal
 * that overlapped the next change's write dropped that change's event (CI: 2 of 1,650 never left).
 */
const WRITE_LOCK = { ttlMs: 10_000, waitMs: 10_000, renew: true };

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
  /** `write` may check the lease again between a read and its write; it is checked before `write` starts. */
  const withWriteLock = <T>(id: string, write: (lease: Lease) => Promise<T>) => {
    const key = `write:${collection.collection.name}:${id}`;
    return locks.withLock(key, WRITE_LOCK, (lease) => {
      if (!lease.held()) throw new LockLostError(key);
      return write(lease);
    });
  };
  const writeLocked = <T>(id: string, write: () => Promise<T>) => withWriteLock(id, () => write());

  return {
    writeLocked,

    async idsWithPendingEvents(limit) {
      const docs = await collection
        .find({ outboxSince: { $exists: true } }, { _id: 1 })
        .sort({ outboxSince: 1, _id: 1 })
        .limit(limit)
        .lean<Array<{ _id: string }>>();
      return docs.map((doc) => doc._id);
    },

    async pendingEventsOf(id) {
      const doc = await collection.findById(id, { pendingEvents: 1 }).lean<{ pendingEvents?: E[] }>();
      return doc?.pendingEvents ?? [];
    },

    removePendingEvent(id, eventId) {
      // Not `$pull` by condition (FerretDB 1.24 ignores it): read, then write back the rest.
      return withWriteLock(id, async (lease) => {
        const doc = await collection.findById(id, { pendingEvents: 1, version: 1 }).lean<{ pendingEvents?: E[]; version: number }>();
        const pending = doc?.pendingEvents ?? [];
        if (!doc || !pending.some((event) => event.id === eventId)) return;
        const rest = pending.filter((event) => event.id !== eventId);
        const oldest = rest.reduce<Date | undefined>((min, event) => {
          const at = writtenAt(event);
          return min === undefined || at < min ? at : min;
        }, undefined);
        const update = oldest ? { $set: { pendingEvents: rest, outboxSince: oldest } } : { $set: { pendingEvents: rest }, $unset: { outboxSince: '' } };
        // The read may have been slow: a lock lapsed since then leaves the event for a later drain (a copy, not a loss).
        if (!lease.held()) throw new LockLostError(`write:${collection.collection.name}:${id}`);
        await collection.updateOne({ _id: id, version: doc.version }, update);
      });
    },

    exclusiveDrain<T>(id: string, drain: () => Promise<T>): Promise<T> {
      return locks.withLock(`drain:${collection.collection.name}:${id}`, drainLock, drain).catch((err: unknown) => {
        throw err instanceof LockBusyError ? new OutboxDrainBusyError(id, drainLock.waitMs) : err;
      });
    },

    async countPendingEvents() {
      const [row] = await collection.aggregate<{ count: number }>([
        { $match: { outboxSince: { $exists: true } } },
        { $unwind: '$pendingEvents' },
        { $count: 'count' },
      ]);
      return row?.count ?? 0;
    },
  };
}
