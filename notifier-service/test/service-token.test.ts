import { describe, it, expect } from '@jest/globals';
import { createTokenService } from '@orderpulse/service-kit';
import { mqttCredentialSource } from '../src/mqtt-credentials.js';
import { createServiceTokens, SERVICE_TOKEN_TTL_SECONDS } from '../src/service-token.js';

const SECRET = 'a-secret-for-the-service-token-tests-0123';

/** A clock the test moves; the token service reads the same one. */
function clock(start = Date.UTC(2026, 10, 26, 9, 0)) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('createServiceTokens', () => {
  it('when a token is signed, then it says service/notifier and lives 24 hours', async () => {
    const time = clock();
    const tokens = createTokenService(SECRET, time.now);
    const claims = await tokens.verify(await createServiceTokens(tokens, { now: time.now }).fresh());
    expect(claims).toMatchObject({ role: 'service', sub: 'notifier', exp: time.now() / 1000 + SERVICE_TOKEN_TTL_SECONDS });
  });

  it('when fresh() is asked again later, then it signs a new token every time', async () => {
    const time = clock();
    const service = createServiceTokens(createTokenService(SECRET, time.now), { now: time.now });
    const first = await service.fresh();
    time.advance(1_000);
    expect(await service.fresh()).not.toBe(first);
  });

  it('when current() is asked, then the same token is reused until half its lifetime has passed', async () => {
    const time = clock();
    const service = createServiceTokens(createTokenService(SECRET, time.now), { now: time.now, ttlSeconds: 100 });
    const first = await service.current();
    time.advance(49_000);
    expect(await service.current()).toBe(first);
    time.advance(1_000);
    expect(await service.current()).not.toBe(first);
  });
});

describe('mqttCredentialSource', () => {
  const tokens = { fresh: async () => 'signed-now', current: async () => 'cached' };

  it('when nothing is overridden, then it logs in as service with a freshly signed token', async () => {
    const source = mqttCredentialSource({}, tokens);
    expect(await source.next()).toEqual({ username: 'service', password: 'signed-now' });
    expect(source.settings).toMatch(/^JWT_SECRET/);
  });

  it('when MQTT_USERNAME and MQTT_PASSWORD are set, then they are used as they are', async () => {
    const source = mqttCredentialSource({ username: 'ops', password: 'pw' }, tokens);
    expect(await source.next()).toEqual({ username: 'ops', password: 'pw' });
    expect(source.settings).toBe('MQTT_USERNAME and MQTT_PASSWORD');
  });

  it('when only MQTT_USERNAME is set, then the token is still the password', async () => {
    expect(await mqttCredentialSource({ username: 'notifier-2' }, tokens).next()).toEqual({ username: 'notifier-2', password: 'signed-now' });
  });
});
