import { describe, it, expect } from '@jest/globals';
import { DomainError, errorResponseOf, HttpError, settlementOf, StoreUnavailableError, UnprocessableMessageError, type DomainErrorKind } from '../src/index.js';

describe('domain error kinds over HTTP', () => {
  it.each<[DomainErrorKind, number, string]>([
    ['invalid', 400, 'bad_request'],
    ['forbidden', 403, 'forbidden'],
    ['not_found', 404, 'not_found'],
    ['conflict', 409, 'conflict'],
    ['contended', 409, 'conflict'],
    ['unavailable', 503, 'unavailable'],
  ])('when the kind is %s, then the answer is %i with code %s', (kind, status, code) => {
    expect(errorResponseOf(new DomainError(kind, 'what happened'))).toEqual({ status, headers: {}, body: { error: { code, message: 'what happened' } } });
  });

  it('when a domain error names its code and details, then the body carries them as they are', () => {
    const err = new DomainError('conflict', 'cannot', { code: 'frozen', details: { allowed: ['a'] } });
    expect(errorResponseOf(err)?.body).toEqual({ error: { code: 'frozen', message: 'cannot', details: { allowed: ['a'] } } });
  });

  it('when the store is unavailable, then 503 says when to retry (Retry-After)', () => {
    expect(errorResponseOf(new StoreUnavailableError('the order store', 'timed out'))).toMatchObject({
      status: 503,
      headers: { 'Retry-After': '5' },
      body: { error: { code: 'store_unavailable' } },
    });
  });

  it('when an HttpError is thrown, then its own status and headers answer; anything else is not mapped', () => {
    expect(errorResponseOf(new HttpError(429, 'slow_down', 'wait', undefined, { 'Retry-After': '3' }))).toMatchObject({
      status: 429,
      headers: { 'Retry-After': '3' },
    });
    expect(errorResponseOf(new Error('boom'))).toBeUndefined();
  });

  it('when a domain error is built, then it is not an HTTP error and has no status', () => {
    const err = new DomainError('not_found', 'gone');
    expect(err).not.toBeInstanceOf(HttpError);
    expect(err).not.toHaveProperty('status');
  });
});

describe('domain error kinds over AMQP', () => {
  it.each<[DomainErrorKind, string]>([
    ['conflict', 'ack'],
    ['invalid', 'dead-letter'],
    ['forbidden', 'dead-letter'],
    ['not_found', 'dead-letter'],
    ['contended', 'requeue'],
    ['unavailable', 'requeue'],
  ])('when a handler throws the kind %s, then the message is settled by %s with the reason', (kind, how) => {
    expect(settlementOf(new DomainError(kind, 'order 1 is cancelled'))).toEqual({ how, reason: `${kind}: order 1 is cancelled` });
  });

  it('when a handler throws UnprocessableMessageError, then the message is dead-lettered as unprocessable', () => {
    expect(settlementOf(new UnprocessableMessageError('never'))).toEqual({ how: 'dead-letter', reason: 'unprocessable: never' });
  });

  it('when a handler fails in a way the domain does not name, then the message is requeued', () => {
    expect(settlementOf(new Error('PUBACK timed out'))).toEqual({ how: 'requeue', reason: 'PUBACK timed out' });
    expect(settlementOf(new StoreUnavailableError('the store', 'down')).how).toBe('requeue');
  });
});
