import { describe, it, expect } from '@jest/globals';
import {
  DependencyUnavailableError,
  createLogger,
  duplicateKeyOn,
  mongoDatabaseOf,
  openMongoConnection,
  redactMongoUrl,
  withMongoDatabase,
} from '../src/index.js';

describe('MongoDB connection helper', () => {
  it('when nothing answers at MONGO_URL, then one actionable line says what to start or unset', async () => {
    const error = await openMongoConnection({
      url: 'mongodb://user:secret@127.0.0.1:9/orders',
      logger: createLogger('test', 'silent'),
      whatIsKept: 'orders',
      connectTimeoutMs: 300,
    }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect((error as Error).message).toBe(
      'MongoDB is not reachable at mongodb://user:***@127.0.0.1:9/orders: start it (e.g. `docker compose up mongo`) or unset MONGO_URL to keep orders in memory',
    );
  });

  it('hides the password of a URL and recognises duplicate keys by field', () => {
    expect(redactMongoUrl('mongodb://a:b@h/db')).toBe('mongodb://a:***@h/db');
    expect(duplicateKeyOn({ code: 11000, keyPattern: { orderId: 1 } }, 'orderId')).toBe(true);
    expect(duplicateKeyOn({ code: 11000, keyPattern: { orderId: 1 } }, 'orderNumber')).toBe(false);
    expect(duplicateKeyOn({ code: 11000, errmsg: 'E11000 duplicate key error collection: db.orders' }, 'orderId')).toBeUndefined();
    expect(duplicateKeyOn(new Error('x'), 'orderId')).toBe(false);
  });
});

describe('MongoDB URLs', () => {
  it('when a service is given its own database, then hosts, credentials and options are kept', () => {
    expect(withMongoDatabase('mongodb://127.0.0.1:27017', 'orders')).toBe('mongodb://127.0.0.1:27017/orders');
    expect(withMongoDatabase('mongodb://u:p@a:1,b:2/shop?replicaSet=rs0', 'shop-orders')).toBe('mongodb://u:p@a:1,b:2/shop-orders?replicaSet=rs0');
    expect(withMongoDatabase('mongodb+srv://cluster.example/?retryWrites=true', 'delivery')).toBe('mongodb+srv://cluster.example/delivery?retryWrites=true');
    expect(mongoDatabaseOf('mongodb://u:p@a:1,b:2/shop?replicaSet=rs0')).toBe('shop');
    expect(mongoDatabaseOf('mongodb://a:1/')).toBe('');
    expect(() => withMongoDatabase('postgres://x/y', 'orders')).toThrow('not a MongoDB URL');
  });
});
