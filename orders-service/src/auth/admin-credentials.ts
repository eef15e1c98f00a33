import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Compares in constant time (over fixed-length digests), so timing tells nothing about either value. */
export function credentialsMatch(expected: { username: string; password: string }, given: { username: string; password: string }): boolean {
  const usernameOk = timingSafeEqual(digest(expected.username), digest(given.username));
  const passwordOk = timingSafeEqual(digest(expected.password), digest(given.password));
  return usernameOk && passwordOk;
}
