import { DEV_JWT_SECRET } from '@orderpulse/service-kit';
import type { NotifierSettings } from '../../src/service.js';

export function testNotifierSettings(overrides: Partial<NotifierSettings> & Pick<NotifierSettings, 'AMQP_NAMESPACE' | 'MQTT_URL'>): NotifierSettings {
  return {
    AMQP_URL: process.env.AMQP_URL as string,
    NOTIFIER_PORT: 0,
    HOST: '127.0.0.1',
    METRICS_PORT: 0,
    METRICS_HOST: '127.0.0.1',
    PREFETCH: 16,
    MQTT_PUBLISH_TIMEOUT_MS: 1_000,
    CONNECT_TIMEOUT_MS: 3_000,
    MQTT_MAX_PAYLOAD_BYTES: 16_384,
    DEDUPE_CAPACITY: 1_000,
    RETRY_DELAY_MS: 100,
    JWT_SECRET: DEV_JWT_SECRET,
    // Nothing listens here unless a test starts a fake delivery-service and passes its URL.
    DELIVERY_URL: 'http://127.0.0.1:9',
    DELIVERY_TIMEOUT_MS: 1_000,
    TRACKING_CACHE_CAPACITY: 1_000,
    REDIS_NAMESPACE: '',
    LOCK_TTL_MS: 15_000,
    LOCK_WAIT_MS: 2_000,
    LOCATION_COARSE_METERS: 500,
    LOCATION_EXACT_WITHIN_KM: 2,
    RIDER_SIGNAL_MIN_INTERVAL_MS: 5_000,
    ...overrides,
  };
}
