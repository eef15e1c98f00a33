import type { OutboxStorage, WaitingReport } from './report-outbox.js';

const DB_NAME = 'orderpulse-rider';
const STORE = 'outbox';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/** The waiting reports in IndexedDB (one object store, keyed by report id, indexed by rider). */
export class IndexedDbOutboxStorage implements OutboxStorage {
  private constructor(private readonly db: IDBDatabase) {}

  /** Opens (and on first use creates) the database; rejects where IndexedDB is unavailable. */
  static async open(factory: IDBFactory | undefined = globalThis.indexedDB): Promise<IndexedDbOutboxStorage> {
    if (!factory) throw new Error('IndexedDB is not available');
    const open = factory.open(DB_NAME, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'id' }).createIndex('rider', 'riderId');
    return new IndexedDbOutboxStorage(await request(open));
  }

  async list(riderId: string): Promise<WaitingReport[]> {
    const tx = this.db.transaction(STORE, 'readonly');
    const reports = (await request(tx.objectStore(STORE).index('rider').getAll(riderId))) as WaitingReport[];
    return reports.sort((a, b) => a.seq - b.seq);
  }

  async put(report: WaitingReport): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(report);
    await done(tx);
  }

  async delete(id: string): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).delete(id);
    await done(tx);
  }
}
