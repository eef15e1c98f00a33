import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Connection } from 'mongoose';
import { createLogger, createMongoLocks, LockLostError, openMongoConnection, type Lease } from '../src/index.js';
import { aTestDatabase, waitFor } from '../src/testing/index.js';
import { describeIfAvailable, mongoTestTarget } from '../src/testing/suites.js';

/**
 * The holder's lease: what lets a read-then-write on FerretDB (which runs one update as a read
 * and a whole-document write) refuse to write once its lock may belong to someone else.
 */
const mongo = mongoTestTarget();
describeIfAvailable('MongoDB locks: the holder knows when its lock may have lapsed', 'missing' in mongo ? mongo.missing : undefined, () => {
  const url = (mongo as { url: string }).url;
  const database = aTestDatabase(url, 'locks');
  let connection: Connection;

  beforeAll(async () => {
    connection = await openMongoConnection({ url, dbName: database.name, logger: createLogger('test', 'silent'), whatIsKept: 'nothing' });
  });

  afterAll(async () => {
    await connection?.close();
    await database.drop();
  });

  it('when the lock is not renewed, then its lease stops being held once half its ttl has passed, before anyone may take it over', async () => {
    const locks = createMongoLocks(connection);
    // Long enough that a loaded store's round trips fit in each half.
    const ttlMs = 8_000;
    await locks.withLock('a', { ttlMs, waitMs: 1_000 }, async (lease: Lease) => {
      expect(lease.held()).toBe(true);
      await waitFor(() => !lease.held(), 'the unrenewed lease to end', ttlMs, 20);
      // Another holder could take it only after the ttl, which has not passed yet.
      const other = createMongoLocks(connection, 'other');
      await expect(other.withLock('a', { ttlMs, waitMs: 0 }, async () => 'taken')).rejects.toThrow(/held by another instance/);
    });
  });

  it('when the lock is renewed, then its lease stays held for longer than its ttl', async () => {
    const locks = createMongoLocks(connection);
    const ttlMs = 4_000;
    await locks.withLock('b', { ttlMs, waitMs: 1_000, renew: true }, async (lease: Lease) => {
      const until = Date.now() + ttlMs + 500;
      await waitFor(() => !lease.held() || Date.now() > until, 'more than the ttl to pass', 2 * ttlMs, 20);
      expect(lease.held()).toBe(true);
    });
  });

  it('when another process removed the lock under its holder, then the next renewal notices and the lease is no longer held', async () => {
    const locks = createMongoLocks(connection);
    await locks.withLock('c', { ttlMs: 10_000, waitMs: 1_000, renew: true }, async (lease: Lease) => {
      expect(lease.held()).toBe(true);
      await connection.collection('locks').deleteOne({ _id: 'c' as never });
      // Well before the 5 s after which the lease would end anyway without a renewal.
      await waitFor(() => !lease.held(), 'the renewal to find the lock gone', 4_000, 20);
    });
  });

  it('names what to do when a lock may have lapsed', () => {
    expect(new LockLostError('write:orders:o-1').message).toMatch(/write:orders:o-1 may have lapsed while held .* not written, retry/);
  });
});
