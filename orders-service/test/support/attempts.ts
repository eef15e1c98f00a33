import { expect } from '@jest/globals';
import type { JsonResponse } from '@orderpulse/service-kit/testing';
import type { RunningOrdersService } from '../../src/service.js';

export const ADMIN = { username: 'admin', password: 'change-me' };

/** POSTs JSON as if from `clientIp`, which the service believes only when it trusts one proxy hop (TRUST_PROXY_HOPS=1). */
export async function postFrom(service: RunningOrdersService, clientIp: string, path: string, body: unknown): Promise<JsonResponse> {
  const response = await fetch(`${service.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': clientIp },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

export const loginFrom = (service: RunningOrdersService, ip: string, body: unknown) => postFrom(service, ip, '/auth/login', body);

/** `times` wrong passwords for `username` from `ip`, each answered 401. */
export async function failLogins(service: RunningOrdersService, ip: string, times: number, username = ADMIN.username): Promise<void> {
  for (let i = 0; i < times; i++) {
    expect((await loginFrom(service, ip, { username, password: `wrong-${i}` })).status).toBe(401);
  }
}

export function expectTooManyAttempts(response: JsonResponse, what: 'failed logins' | 'failed lookups', maxWaitSeconds: number): void {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(maxWaitSeconds);
  expect(response.body).toEqual({
    error: {
      code: 'too_many_attempts',
      message: expect.stringMatching(new RegExp(`^too many ${what}; try again in \\d+ (seconds?|minutes)$`)),
      details: { retryAfterSeconds: retryAfter },
    },
  });
  expect(response.body.token).toBeUndefined();
  expect(response.body.trackingToken).toBeUndefined();
}
