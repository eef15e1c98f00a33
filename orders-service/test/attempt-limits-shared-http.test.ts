import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  countRedisNamespace,
  deleteAmqpNamespace,
  deleteRedisNamespace,
  redisTarget,
  testNamespace,
  uniqueRedisNamespace,
} from '@orderpulse/service-kit/testing';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import { DELIVERY_EVENTS_QUEUE } from '../src/messaging/delivery-events-consumer.js';
import type { RunningOrdersService } from '../src/service.js';
import { ADMIN, expectTooManyAttempts, failLogins, loginFrom } from './support/attempts.js';
import { amqpUrl, startServiceUnderTest } from './support/service-under-test.js';

/** Two orders-service instances on one RabbitMQ namespace, behind one trusted proxy, with `env` on top. */
function twoInstances(label: string, env: () => Record<string, string>) {
  const namespace = testNamespace(label);
  const instances: RunningOrdersService[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 2; i++) instances.push(await startServiceUnderTest(namespace, {}, { env: { TRUST_PROXY_HOPS: '1', ...env() } }));
  });
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    await deleteAmqpNamespace(amqpUrl(), namespace, [DELIVERY_EVENTS_QUEUE]);
  });
  return instances;
}

const redis = redisTarget();
const redisUrl = 'url' in redis ? redis.url : '';
describeIfAvailable(
  'orders HTTP API: two instances sharing one Redis (REDIS_URL) share the login counts',
  'skipReason' in redis ? redis.skipReason : undefined,
  () => {
    const redisNamespace = uniqueRedisNamespace('orders-attempts');
    const instances = twoInstances('orders-attempts-shared', () => ({ REDIS_URL: redisUrl, REDIS_NAMESPACE: redisNamespace }));
    afterAll(async () => {
      await deleteRedisNamespace(redisUrl, redisNamespace);
    });

    it('when address A fails 5 times on each instance, then its 11th attempt is refused by both, and the admin from address B logs in on both', async () => {
      await failLogins(instances[0]!, '203.0.113.1', 5);
      await failLogins(instances[1]!, '203.0.113.1', 5);

      expectTooManyAttempts(await loginFrom(instances[0]!, '203.0.113.1', ADMIN), 'failed logins', 900);
      expectTooManyAttempts(await loginFrom(instances[1]!, '203.0.113.1', ADMIN), 'failed logins', 900);
      expect((await loginFrom(instances[0]!, '198.51.100.1', ADMIN)).status).toBe(200);
      expect((await loginFrom(instances[1]!, '198.51.100.1', ADMIN)).status).toBe(200);
      expect(await countRedisNamespace(redisUrl, redisNamespace)).toBeGreaterThan(0);
    });
  },
);

describe('orders HTTP API: two instances without REDIS_URL count alone (as documented)', () => {
  const instances = twoInstances('orders-attempts-alone', () => ({}));

  it('when address A fails 5 times on each instance, then neither has seen 10 and the right password still works', async () => {
    await failLogins(instances[0]!, '203.0.113.2', 5);
    await failLogins(instances[1]!, '203.0.113.2', 5);

    expect((await loginFrom(instances[0]!, '203.0.113.2', ADMIN)).status).toBe(200);
  });
});
