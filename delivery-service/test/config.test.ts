import { describe, expect, it } from '@jest/globals';
import { ConfigError, DEV_JWT_SECRET } from '@orderpulse/service-kit';
import { loadDeliveryConfig } from '../src/index.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadDeliveryConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('delivery-service config', () => {
  it('when nothing is set, then the local defaults apply', () => {
    const config = loadDeliveryConfig({});
    expect(config).toMatchObject({
      DELIVERY_PORT: 3002,
      HOST: '127.0.0.1',
      MQTT_URL: 'mqtt://127.0.0.1:1884',
      MQTT_CLIENT_ID: 'delivery-service',
      JWT_SECRET: DEV_JWT_SECRET,
      AVERAGE_SPEED_KMH: 25,
      ARRIVAL_RADIUS_M: 150,
      RIDER_REPORT_MAX_FUTURE_SECONDS: 30,
      RIDER_REPORT_MAX_AGE_SECONDS: 86_400,
      OUTBOX_SWEEP_MS: 1000,
      CORS_ORIGINS: ['*'],
    });
    expect(config.MONGO_URL).toBeUndefined();
  });

  it('when values are given, then they are parsed', () => {
    const config = loadDeliveryConfig({
      DELIVERY_PORT: '0',
      AVERAGE_SPEED_KMH: '12.5',
      MQTT_CLIENT_ID: 'delivery-2',
      JWT_SECRET: 'x'.repeat(40),
      CORS_ORIGINS: 'http://a:3000, http://b',
      MONGO_URL: 'mongodb://db/delivery',
    });
    expect(config).toMatchObject({ DELIVERY_PORT: 0, AVERAGE_SPEED_KMH: 12.5, MQTT_CLIENT_ID: 'delivery-2', CORS_ORIGINS: ['http://a:3000', 'http://b'] });
  });

  it('when values are invalid, then ConfigError names every bad key', () => {
    const problems = problemsOf({
      DELIVERY_PORT: 'x',
      AVERAGE_SPEED_KMH: '0',
      JWT_SECRET: 'short',
      MQTT_CLIENT_ID: 'has space',
      RIDER_REPORT_MAX_FUTURE_SECONDS: '0',
      RIDER_REPORT_MAX_AGE_SECONDS: 'a day',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'AVERAGE_SPEED_KMH',
      'DELIVERY_PORT',
      'JWT_SECRET',
      'MQTT_CLIENT_ID',
      'RIDER_REPORT_MAX_AGE_SECONDS',
      'RIDER_REPORT_MAX_FUTURE_SECONDS',
    ]);
  });

  it('when NODE_ENV is production, then the development JWT secret is refused, and a real one accepted', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual(['JWT_SECRET: the development default may not be used when NODE_ENV=production; set your own']);
    expect(loadDeliveryConfig({ NODE_ENV: 'production', JWT_SECRET: 's'.repeat(32) }).JWT_SECRET).toBe('s'.repeat(32));
  });
});
