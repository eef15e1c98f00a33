import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { ApiClient, ApiError, type FetchFn } from '../src/apps/shared/api-client.js';
import { describeApiError } from '../src/apps/shared/api-error-text.js';

function fakeFetch(status: number, body: unknown) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetch: FetchFn = async (url, init) => {
    calls.push({ url, init });
    return { ok: status >= 200 && status < 300, status, text: async () => (body === undefined ? '' : JSON.stringify(body)) };
  };
  return { fetch, calls };
}

async function failureOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('ApiClient', () => {
  it('when a token is set, then it goes as a bearer header and the body as JSON', async () => {
    const { fetch, calls } = fakeFetch(200, { ok: true });
    const api = new ApiClient({ baseUrl: 'http://orders.test/', token: () => 'tok', fetch });
    expect(await api.request('PATCH', '/orders/1/status', { body: { status: 'confirmed' } })).toEqual({ ok: true });
    expect(calls[0]?.url).toBe('http://orders.test/orders/1/status');
    expect(calls[0]?.init).toMatchObject({ method: 'PATCH', body: '{"status":"confirmed"}' });
    expect(calls[0]?.init.headers).toMatchObject({ authorization: 'Bearer tok', 'content-type': 'application/json' });
  });

  it('when there is no token, then no Authorization header is sent', async () => {
    const { fetch, calls } = fakeFetch(200, {});
    await new ApiClient({ baseUrl: 'http://x.test', fetch }).request('GET', '/a');
    expect(calls[0]?.init.headers).not.toHaveProperty('authorization');
  });

  it('when the service answers with an error body, then its code, message and details are kept', async () => {
    const details = { from: 'shipped', to: 'cancelled', allowed: ['out_for_delivery'] };
    const { fetch } = fakeFetch(409, { error: { code: 'conflict', message: 'cannot change', details } });
    const err = await failureOf(new ApiClient({ baseUrl: 'http://x.test', fetch }).request('PATCH', '/a'));
    expect(err).toMatchObject({ status: 409, code: 'conflict', message: 'cannot change', details });
    expect(err.isAccessDenied).toBe(false);
  });

  it.each([401, 403])('when the answer is %i, then it is an access denial', async (status) => {
    const { fetch } = fakeFetch(status, { error: { code: 'forbidden', message: 'no' } });
    expect((await failureOf(new ApiClient({ baseUrl: 'http://x.test', fetch }).request('GET', '/a'))).isAccessDenied).toBe(true);
  });

  it('when the body is not the error shape, then the status still says what failed', async () => {
    const { fetch } = fakeFetch(502, 'bad gateway');
    expect(await failureOf(new ApiClient({ baseUrl: 'http://x.test', fetch }).request('GET', '/a'))).toMatchObject({ status: 502, code: 'http_error' });
  });

  it('when the service cannot be reached, then the status is 0', async () => {
    const fetch: FetchFn = async () => {
      throw new TypeError('Failed to fetch');
    };
    expect(await failureOf(new ApiClient({ baseUrl: 'http://x.test', fetch }).request('GET', '/a'))).toMatchObject({ status: 0, code: 'network' });
  });

  it('when the answer does not match the schema, then it is refused', async () => {
    const { fetch } = fakeFetch(200, { id: 7 });
    const err = await failureOf(new ApiClient({ baseUrl: 'http://x.test', fetch }).request('GET', '/a', { schema: z.object({ id: z.string() }) }));
    expect(err).toMatchObject({ code: 'invalid_response' });
  });
});

describe('describeApiError', () => {
  it('when a transition is refused, then it names both statuses and the allowed ones', () => {
    const err = new ApiError(409, 'conflict', 'cannot change', { from: 'shipped', to: 'cancelled', allowed: ['out_for_delivery'] });
    expect(describeApiError(err)).toBe('Refused: the status cannot change from “Shipped” to “Cancelled”. Allowed next: Out for delivery.');
  });

  it('when the status is final, then it says so', () => {
    const err = new ApiError(409, 'conflict', 'x', { from: 'delivered', to: 'cancelled', allowed: [] });
    expect(describeApiError(err)).toContain('“Delivered” is final');
  });

  it('when fields are bad, then each is named', () => {
    const err = new ApiError(400, 'bad_request', 'invalid', {
      fields: [
        { field: 'note', message: 'too long' },
        { field: 'status', message: 'invalid' },
      ],
    });
    expect(describeApiError(err)).toBe('Please correct: note: too long; status: invalid.');
  });

  it.each([
    [new ApiError(0, 'network', 'x'), /cannot be reached/],
    [new ApiError(401, 'unauthorized', 'x'), /sign in again/i],
    [new ApiError(403, 'forbidden', 'x'), /not allowed/],
    [new ApiError(404, 'not_found', 'order 1 not found'), /Not found: order 1 not found/],
    [new ApiError(500, 'internal', 'internal error'), /internal error \(HTTP 500\)/],
    [new Error('weird'), /weird/],
  ])('when the failure is %p, then the text says so', (err, expected) => {
    expect(describeApiError(err)).toMatch(expected);
  });
});
