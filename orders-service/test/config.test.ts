import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@orderpulse/service-kit';
import { loadOrdersConfig } from '../src/config.js';

describe('orders config', () => {
  it('when the environment is empty, then the local defaults apply and orders stay in memory', () => {
    const config = loadOrdersConfig({});
    expect(config).toMatchObject({ ORDERS_PORT: 3001, HOST: '127.0.0.1', OUTBOX_SWEEP_MS: 1000, AMQP_NAMESPACE: '', CORS_ORIGINS: ['*'] });
    expect(config.MONGO_URL).toBeUndefined();
  });

  it('when values are given, then they are parsed', () => {
    const config = loadOrdersConfig({ ORDERS_PORT: '0', OUTBOX_SWEEP_MS: '250', MONGO_URL: 'mongodb://db/orders', CORS_ORIGINS: 'http://a:3000, http://b' });
    expect(config).toMatchObject({ ORDERS_PORT: 0, OUTBOX_SWEEP_MS: 250, MONGO_URL: 'mongodb://db/orders', CORS_ORIGINS: ['http://a:3000', 'http://b'] });
  });

  it('when the brute-force settings are unset, then 10 per pair and 30 per address in 15 minutes, 100 per username or order number in a day, counted in memory, and X-Forwarded-For is not trusted', () => {
    const config = loadOrdersConfig({});
    expect(config).toMatchObject({
      LOGIN_MAX_FAILURES: 10,
      LOGIN_WINDOW_SECONDS: 900,
      LOGIN_ADDRESS_MAX_FAILURES: 30,
      LOGIN_USERNAME_MAX_FAILURES: 100,
      LOGIN_USERNAME_WINDOW_SECONDS: 86_400,
      TRACKING_LOOKUP_MAX_FAILURES: 10,
      TRACKING_LOOKUP_WINDOW_SECONDS: 900,
      TRACKING_LOOKUP_ADDRESS_MAX_FAILURES: 30,
      TRACKING_LOOKUP_ORDER_MAX_FAILURES: 100,
      TRACKING_LOOKUP_ORDER_WINDOW_SECONDS: 86_400,
      REDIS_NAMESPACE: '',
      TRUST_PROXY_HOPS: 0,
    });
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('when brute-force settings are given, then they are parsed, and a zero budget or window or a negative hop count is refused', () => {
    const config = loadOrdersConfig({
      LOGIN_MAX_FAILURES: '5',
      LOGIN_WINDOW_SECONDS: '60',
      TRACKING_LOOKUP_MAX_FAILURES: '20',
      TRACKING_LOOKUP_WINDOW_SECONDS: '300',
      TRUST_PROXY_HOPS: '2',
    });
    expect(config).toMatchObject({
      LOGIN_MAX_FAILURES: 5,
      LOGIN_WINDOW_SECONDS: 60,
      TRACKING_LOOKUP_MAX_FAILURES: 20,
      TRACKING_LOOKUP_WINDOW_SECONDS: 300,
      TRUST_PROXY_HOPS: 2,
    });
    const bad = {
      LOGIN_MAX_FAILURES: '0',
      LOGIN_WINDOW_SECONDS: 'soon',
      LOGIN_ADDRESS_MAX_FAILURES: '0',
      LOGIN_USERNAME_MAX_FAILURES: '1.5',
      LOGIN_USERNAME_WINDOW_SECONDS: '0',
      TRACKING_LOOKUP_MAX_FAILURES: '-1',
      TRACKING_LOOKUP_WINDOW_SECONDS: '0',
      TRACKING_LOOKUP_ADDRESS_MAX_FAILURES: 'x',
      TRACKING_LOOKUP_ORDER_MAX_FAILURES: '0',
      TRACKING_LOOKUP_ORDER_WINDOW_SECONDS: '-5',
      TRUST_PROXY_HOPS: '-1',
      REDIS_URL: 'localhost:6379',
      REDIS_NAMESPACE: 'Has Spaces',
    };
    const error = (() => {
      try {
        loadOrdersConfig(bad);
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual(Object.keys(bad).sort());
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
