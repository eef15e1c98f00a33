import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@orderpulse/service-kit';
import { dropMongoDatabases, FERRETDB_CLIENT_POOL_SIZE } from '@orderpulse/service-kit/testing';
import { createInMemoryMailStore } from '../../src/data-access/in-memory-mail-store.js';
import { openJournaledMailStore } from '../../src/data-access/journaled-mail-store.js';
import type { MailStore } from '../../src/data-access/mail-store.js';
import { connectMongoMailStore } from '../../src/data-access/mongo-mail-store.js';

/** A store opened for one test, and how to remove whatever it stored. */
export interface OpenedMailStore {
  store: MailStore;
  /** The same data opened again, as after a restart (or by a second instance on MongoDB). */
  reopen?: () => Promise<MailStore>;
  dispose(): Promise<void>;
}

export async function openInMemory(): Promise<OpenedMailStore> {
  const store = createInMemoryMailStore();
  return { store, dispose: () => store.close() };
}

export async function openJournaled(): Promise<OpenedMailStore> {
  const dir = mkdtempSync(join(tmpdir(), 'mail-journal-'));
  let current = openJournaledMailStore(dir);
  return {
    store: current,
    reopen: async () => {
      await current.close();
      current = openJournaledMailStore(dir);
      return current;
    },
    dispose: async () => {
      await current.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh database per test on the MongoDB the global setup found. */
export async function openMongo(url: string): Promise<OpenedMailStore> {
  const dbName = `mail-test-${randomUUID().slice(0, 8)}`;
  const open = () => connectMongoMailStore({ url, dbName, logger: createLogger('mail-test', 'silent'), maxPoolSize: FERRETDB_CLIENT_POOL_SIZE });
  const store = await open();
  const peers: MailStore[] = [];
  return {
    store,
    reopen: async () => {
      const peer = await open();
      peers.push(peer);
      return peer;
    },
    dispose: async () => {
      for (const peer of [store, ...peers]) await peer.close();
      await dropMongoDatabases(url, [dbName]);
    },
  };
}
