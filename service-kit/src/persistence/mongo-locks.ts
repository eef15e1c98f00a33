import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Connection } from 'mongoose';
import { duplicateKeyOn } from './mongo-connection.js';

export interface LockOptions {
  /** How long the lock lasts unless renewed; a holder that died frees it after this. */
  ttlMs: number;
  /** How long to wait for another holder before giving up with LockBusyError. */
  waitMs: number;
  /** Renew while `work` runs (every third of ttlMs, at most a second apart). */
  renew?: boolean;
}

/** The holder's view of its lock while `work` runs. */
export interface Lease {
  /**
   * False once the lock may be another's: a renewal found it gone, or less than half its ttl is
   * left since the last confirmed take or renewal (renewals are stuck behind a slow store). A
   * read-then-write checks this between its read and its write: on FerretDB a write that
   * overlaps another process's loses one of them.
   */
  held(): boolean;
}

/** The lock may have lapsed while held; the work was not finished and may be retried. */
export class LockLostError extends Error {
  constructor(readonly key: string) {
    super(`${key} may have lapsed while held (the store answered too slowly to renew it); not written, retry`);
    this.name = 'LockLostError';
  }
}

/** Another process held the lock for longer than the caller was willing to wait. */
export class LockBusyError extends Error {
  constructor(
    readonly key: string,
    waitedMs: number,
  ) {
    super(`${key} has been held by another instance for over ${waitedMs} ms`);
    this.name = 'LockBusyError';
  }
}

export interface MongoLocks {
  readonly owner: string;
  withLock<T>(key: string, options: LockOptions, work: (lease: Lease) => Promise<T>): Promise<T>;
}

interface LockDocument {
  _id: string;
  owner: string;
  until: Date;
}

/**
 * Named locks in one collection (`locks`), taken by inserting a document whose `_id` is the
 * lock's name. An insert against a unique `_id` is atomic on MongoDB and on FerretDB alike,
 * unlike a conditional update, which FerretDB 1.24 runs as a read followed by a write (two
 * updates "guarded" by the same version can both succeed there). A lock whose holder died is
 * taken over once its `until` has passed; the instances' clocks are assumed to agree to well
 * within a lock's ttl.
 */
export function createMongoLocks(connection: Connection, owner = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`): MongoLocks {
  const locks = connection.collection<LockDocument>('locks');

  async function tryTake(key: string, ttlMs: number): Promise<boolean> {
    try {
      await locks.insertOne({ _id: key, owner, until: new Date(Date.now() + ttlMs) });
      return true;
    } catch (err) {
      if (duplicateKeyOn(err, '_id') === false) throw err;
    }
    const held = await locks.findOne({ _id: key });
    if (held && held.until.getTime() < Date.now()) {
      // Lapsed: remove exactly that holder's document, then race for it again.
      await locks.deleteOne({ _id: key, owner: held.owner, until: held.until });
      return tryTake(key, ttlMs);
    }
    return false;
  }

  return {
    owner,
    async withLock(key, { ttlMs, waitMs, renew }, work) {
      const deadline = Date.now() + waitMs;
      let pause = 5;
      let takenAt = Date.now();
      while (!(await tryTake(key, ttlMs))) {
        if (Date.now() >= deadline) throw new LockBusyError(key, waitMs);
        // Jittered, so waiters for one lock do not poll in step.
        await new Promise((resolve) => setTimeout(resolve, pause * (0.5 + Math.random())));
        pause = Math.min(pause * 2, 100);
        takenAt = Date.now();
      }
      // `until` as written was computed after takenAt, so the lock lasts at least this long.
      let heldUntil = takenAt + ttlMs;
      let lost = false;
      let renewal: NodeJS.Timeout | undefined;
      if (renew) {
        // A renewal that finds the lock gone (taken over after a stall) or fails stops renewing.
        renewal = setInterval(
          () => {
            const sentAt = Date.now();
            void locks
              .updateOne({ _id: key, owner }, { $set: { until: new Date(sentAt + ttlMs) } })
              .then((r) => r.matchedCount === 1)
              .catch(() => false)
              .then((held) => {
                if (held) heldUntil = Math.max(heldUntil, sentAt + ttlMs);
                else {
                  lost = true;
                  clearInterval(renewal);
                }
              });
          },
          Math.max(1, Math.min(1_000, Math.floor(ttlMs / 3))),
        );
        renewal.unref();
      }
      const lease: Lease = { held: () => !lost && Date.now() < heldUntil - ttlMs / 2 };
      try {
        return await work(lease);
      } finally {
        clearInterval(renewal);
        await locks.deleteOne({ _id: key, owner }).catch(() => undefined);
      }
    },
  };
}
