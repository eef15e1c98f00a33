import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@orderpulse/service-kit';
import { loadOrdersConfig } from '../src/config.js';

describe('orders config', () => {
  it('when the environment is empty, then the local defaults apply and orders stay in memory', () => {
    const config = loadOrdersConfig({});
    expect(config).toMatchObject({ ORDERS_PORT: 3001, HOST: '127.0.0.1', OUTBOX_SWEEP_MS: 1000, AMQP_NAMESPACE: '', CORS_ORIGINS: ['*'] });
    expect(config.MONGO_URL).toBeUndefined();
    expect(config.POSTGRES_URL).toBeUndefined();
    expect(config.POSTGRES_SCHEMA).toBe('public');
  });

  it('when PostgreSQL settings are given, then they are parsed, and a schema that is not a plain lowercase identifier is refused', () => {
    const config = loadOrdersConfig({ POSTGRES_URL: 'postgres://orders:pw@db:5432/orders', POSTGRES_SCHEMA: 'orders_eu_1' });
    expect(config).toMatchObject({ POSTGRES_URL: 'postgres://orders:pw@db:5432/orders', POSTGRES_SCHEMA: 'orders_eu_1' });
    for (const bad of ['Orders', '1orders', 'orders-eu', 'x"; drop table orders; --', 'a'.repeat(64)]) {
      expect(() => loadOrdersConfig({ POSTGRES_SCHEMA: bad })).toThrow(/^invalid configuration: POSTGRES_SCHEMA: /);
    }
  });

  it('when values are given, then they are parsed', () => {
    const config = loadOrdersConfig({ ORDERS_PORT: '0', OUTBOX_SWEEP_MS: '250', MONGO_URL: 'mongodb://db/orders', CORS_ORIGINS: 'http://a:3000, http://b' });
    expect(config).toMatchObject({ ORDERS_PORT: 0, OUTBOX_SWEEP_MS: 250, MONGO_URL: 'mongodb://db/orders', CORS_ORIGINS: ['http://a:3000', 'http://b'] });
  });

  it('when a value is invalid, then ConfigError names every bad key', () => {
    const error = (() => {
      try {
        loadOrdersConfig({ ORDERS_PORT: 'abc', OUTBOX_SWEEP_MS: '0' });
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(['ORDERS_PORT', 'OUTBOX_SWEEP_MS']);
  });
});
