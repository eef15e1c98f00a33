import { describe, it, expect } from '@jest/globals';
import { createTokenService } from '../src/index.js';
import { createServiceCredentials, SERVICE_TOKEN_TTL_SECONDS } from '../src/mqtt/index.js';

const SECRET = 'a-secret-for-the-service-token-tests-0123';

/** A clock the test moves; the token service reads the same one. */
function clock(start = Date.UTC(2026, 10, 26, 9, 0)) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('a service token', () => {
  it('when a token is signed, then it says service/<the service> and lives 24 hours', async () => {
    const time = clock();
    const tokens = createTokenService(SECRET, time.now);
    const claims = await tokens.verify(await createServiceCredentials({ tokens, service: 'notifier', clock: time.now }).fresh());
    expect(claims).toMatchObject({ role: 'service', sub: 'notifier', exp: time.now() / 1000 + SERVICE_TOKEN_TTL_SECONDS });
  });

  it('when fresh() is asked again later, then it signs a new token every time', async () => {
    const time = clock();
    const credentials = createServiceCredentials({ tokens: createTokenService(SECRET, time.now), service: 'notifier', clock: time.now });
    const first = await credentials.fresh();
    time.advance(1_000);
    expect(await credentials.fresh()).not.toBe(first);
  });

  it('when current() is asked (HTTP calls), then the same token is reused until half its lifetime has passed', async () => {
    const time = clock();
    const credentials = createServiceCredentials({ tokens: createTokenService(SECRET, time.now), service: 'notifier', clock: time.now, ttlSeconds: 100 });
    const first = await credentials.current();
    time.advance(49_000);
    expect(await credentials.current()).toBe(first);
    time.advance(1_000);
    expect(await credentials.current()).not.toBe(first);
  });

  it('when signing fails once, then current() signs again on the next call instead of keeping the failure', async () => {
    let fail = true;
    const credentials = createServiceCredentials({
      tokens: { sign: async () => (fail ? Promise.reject(new Error('no key')) : 'signed') },
      service: 'notifier',
    });
    await expect(credentials.current()).rejects.toThrow('no key');
    fail = false;
    await expect(credentials.current()).resolves.toBe('signed');
  });
});

describe('a service MQTT login', () => {
  it('when nothing is overridden, then it logs in as service with a token signed for each CONNECT', async () => {
    const time = clock();
    const tokens = createTokenService(SECRET, time.now);
    const credentials = createServiceCredentials({ tokens, service: 'delivery-service', ttlSeconds: 3600, clock: time.now });
    const first = await credentials.next();
    expect(first.username).toBe('service');
    expect(await tokens.verify(first.password!)).toMatchObject({ role: 'service', sub: 'delivery-service', exp: time.now() / 1000 + 3600 });
    time.advance(1_000);
    const second = await credentials.next();
    expect(second.password).not.toBe(first.password);
    expect(credentials.settings).toMatch(/^JWT_SECRET/);
  });

  it('when the service names what to check, then a refusal points there', () => {
    const credentials = createServiceCredentials({
      tokens: createTokenService(SECRET),
      service: 'delivery-service',
      settings: 'that it shares JWT_SECRET with delivery-service',
    });
    expect(credentials.settings).toBe('that it shares JWT_SECRET with delivery-service');
  });

  it('when MQTT_USERNAME and MQTT_PASSWORD are set, then they are used as they are', async () => {
    const credentials = createServiceCredentials({ tokens: createTokenService(SECRET), service: 'notifier', override: { username: 'ops', password: 'pw' } });
    expect(await credentials.next()).toEqual({ username: 'ops', password: 'pw' });
    expect(credentials.settings).toBe('MQTT_USERNAME and MQTT_PASSWORD');
  });

  it('when only MQTT_USERNAME is set, then the token is still the password', async () => {
    const tokens = createTokenService(SECRET);
    const login = await createServiceCredentials({ tokens, service: 'notifier', override: { username: 'notifier-2' } }).next();
    expect(login.username).toBe('notifier-2');
    await expect(tokens.verify(login.password!)).resolves.toMatchObject({ role: 'service', sub: 'notifier' });
  });
});
