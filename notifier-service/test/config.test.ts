import { describe, it, expect } from '@jest/globals';
import { ConfigError, DEV_JWT_SECRET } from '@orderpulse/service-kit';
import { loadNotifierConfig } from '../src/config.js';

describe('loadNotifierConfig', () => {
  it('when nothing is set, then delivery-service is on its default port and the development secret is used', () => {
    const config = loadNotifierConfig({});
    expect(config).toMatchObject({ DELIVERY_URL: 'http://127.0.0.1:3002', JWT_SECRET: DEV_JWT_SECRET, DELIVERY_TIMEOUT_MS: 3_000 });
    expect(config.MQTT_USERNAME).toBeUndefined();
  });

  it('when NODE_ENV is production and JWT_SECRET is not set, then it refuses to start naming JWT_SECRET', () => {
    expect(() => loadNotifierConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadNotifierConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: the development default/);
    expect(loadNotifierConfig({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40) }).JWT_SECRET).toBe('p'.repeat(40));
  });

  it.each([
    [{ JWT_SECRET: 'short' }, /JWT_SECRET: must be at least 32 characters/],
    [{ DELIVERY_URL: 'ftp://example.com' }, /DELIVERY_URL/],
    [{ DELIVERY_TIMEOUT_MS: '0' }, /DELIVERY_TIMEOUT_MS/],
  ])('when %j, then it names the bad key', (env, message) => {
    expect(() => loadNotifierConfig(env)).toThrow(message);
  });
});
