import { describe, expect, it } from '@jest/globals';
import { createTokenService, DEV_JWT_SECRET } from '@orderpulse/service-kit';
import { createServiceCredentials } from '../src/ingest/service-credentials.js';

describe('service credentials for the broker', () => {
  it('when asked, then they are username "service" and a delivery-service token; it is reused until half its life, then re-signed', async () => {
    let now = Date.parse('2026-11-26T12:00:00.000Z');
    const tokens = createTokenService(DEV_JWT_SECRET, () => now);
    const credentials = createServiceCredentials({ tokens, ttlSeconds: 3600, clock: () => now });

    const first = await credentials.current();
    expect(first.username).toBe('service');
    expect(await tokens.verify(first.password)).toMatchObject({ role: 'service', sub: 'delivery-service', exp: now / 1000 + 3600 });

    now += 29 * 60 * 1000;
    expect((await credentials.current()).password).toBe(first.password);

    now += 2 * 60 * 1000;
    const renewed = await credentials.current();
    expect(renewed.password).not.toBe(first.password);
    expect((await tokens.verify(renewed.password)).exp).toBe(now / 1000 + 3600);
  });
});
