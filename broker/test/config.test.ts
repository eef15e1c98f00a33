import { describe, it, expect } from '@jest/globals';
import { ConfigError, DEV_JWT_SECRET } from '@orderpulse/service-kit';
import { loadBrokerConfig, usesDevJwtSecret } from '../src/config.js';

describe('broker configuration', () => {
  it('when JWT_SECRET is unset, then the development default is used and flagged', () => {
    const config = loadBrokerConfig({});
    expect(config.JWT_SECRET).toBe(DEV_JWT_SECRET);
    expect(usesDevJwtSecret(config)).toBe(true);
  });

  it('when JWT_SECRET is set, then it is used and not flagged', () => {
    const config = loadBrokerConfig({ JWT_SECRET: 'x'.repeat(40), NODE_ENV: 'production' });
    expect(config.JWT_SECRET).toBe('x'.repeat(40));
    expect(usesDevJwtSecret(config)).toBe(false);
  });

  it.each([{ NODE_ENV: 'production' }, { NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET }])(
    'when NODE_ENV=production and the secret is the development default (%j), then loading refuses, naming JWT_SECRET',
    (env) => {
      expect(() => loadBrokerConfig(env)).toThrow(ConfigError);
      expect(() => loadBrokerConfig(env)).toThrow(/JWT_SECRET: the development default may not be used when NODE_ENV=production/);
    },
  );

  it('when JWT_SECRET is shorter than 32 characters, then loading refuses', () => {
    expect(() => loadBrokerConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET: must be at least 32 characters/);
  });

  it('when REDIS_URL is unset, then the broker keeps its state in memory (no Redis settings)', () => {
    const config = loadBrokerConfig({});
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.REDIS_NAMESPACE).toBe('');
  });

  it('when REDIS_URL and REDIS_NAMESPACE are set, then both are used', () => {
    const config = loadBrokerConfig({ REDIS_URL: 'redis://:pw@redis:6379/2', REDIS_NAMESPACE: 'orderpulse-prod' });
    expect(config.REDIS_URL).toBe('redis://:pw@redis:6379/2');
    expect(config.REDIS_NAMESPACE).toBe('orderpulse-prod');
  });

  it.each([
    [{ REDIS_URL: 'http://redis:6379' }, /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ REDIS_NAMESPACE: 'Prod:*' }, /REDIS_NAMESPACE: only a-z, 0-9 and -/],
  ])('when %j, then loading refuses, naming the key', (env, message) => {
    expect(() => loadBrokerConfig(env)).toThrow(message);
  });
});
