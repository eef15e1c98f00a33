import { describe, it, expect } from '@jest/globals';
import { ConfigError, DEV_JWT_SECRET, devDefaultSecretsIn } from '@orderpulse/service-kit';
import { loadBrokerConfig } from '../src/config.js';

describe('broker configuration', () => {
  it('when JWT_SECRET is unset, then the development default is used and flagged', () => {
    const config = loadBrokerConfig({});
    expect(config.JWT_SECRET).toBe(DEV_JWT_SECRET);
    expect(devDefaultSecretsIn(config)).toEqual(['JWT_SECRET']);
  });

  it('when JWT_SECRET is set, then it is used and not flagged', () => {
    const config = loadBrokerConfig({ JWT_SECRET: 'x'.repeat(40), NODE_ENV: 'production' });
    expect(config.JWT_SECRET).toBe('x'.repeat(40));
    expect(devDefaultSecretsIn(config)).toEqual([]);
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

  it('when no limit is set, then the documented defaults apply', () => {
    expect(loadBrokerConfig({})).toMatchObject({
      MQTT_MAX_CONNECT_BYTES: 4_096,
      MQTT_PACKET_OVERHEAD_BYTES: 2_048,
      MQTT_CONNECT_TIMEOUT_MS: 5_000,
      MQTT_MAX_CONNECTIONS_PER_ADDRESS: 256,
      TRUST_PROXY_HOPS: 0,
      MQTT_MAX_CLIENT_ID_LENGTH: 128,
      MQTT_MAX_CONNECTIONS_PER_SUBJECT: 10,
      MQTT_MAX_PERSISTENT_SESSIONS_PER_SUBJECT: 4,
      MQTT_SESSION_EXPIRY_SECONDS: 86_400,
      MQTT_MAX_KEEPALIVE_SECONDS: 300,
      REFUSAL_LOG_LINES_PER_SECOND: 10,
      REFUSAL_LOG_FIELD_MAX_CHARS: 128,
    });
  });

  it('when the per-address limit is 0, then it is accepted (no limit, e.g. behind a proxy that does not forward addresses)', () => {
    expect(loadBrokerConfig({ MQTT_MAX_CONNECTIONS_PER_ADDRESS: '0' }).MQTT_MAX_CONNECTIONS_PER_ADDRESS).toBe(0);
  });

  it.each([
    [{ MQTT_MAX_CONNECT_BYTES: '100' }, /MQTT_MAX_CONNECT_BYTES: Too small/],
    [{ MQTT_MAX_KEEPALIVE_SECONDS: '0' }, /MQTT_MAX_KEEPALIVE_SECONDS: Too small/],
    [{ MQTT_MAX_KEEPALIVE_SECONDS: '70000' }, /MQTT_MAX_KEEPALIVE_SECONDS: Too big/],
    [{ MQTT_CONNECT_TIMEOUT_MS: 'soon' }, /MQTT_CONNECT_TIMEOUT_MS: /],
    [{ MQTT_MAX_CONNECTIONS_PER_SUBJECT: '0' }, /MQTT_MAX_CONNECTIONS_PER_SUBJECT: Too small/],
    [{ MQTT_SESSION_EXPIRY_SECONDS: '1.5' }, /MQTT_SESSION_EXPIRY_SECONDS: /],
  ])('when a limit is out of range (%j), then loading refuses, naming it', (env, message) => {
    expect(() => loadBrokerConfig(env)).toThrow(message);
  });
});
