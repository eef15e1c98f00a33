import { randomInt } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LENGTH = 8;

/** `OP-` and 8 random characters of [0-9A-Z]: 36^8 ≈ 2.8e12 numbers; the store enforces uniqueness. */
export function generateOrderNumber(pick: (max: number) => number = randomInt): string {
  let suffix = '';
  for (let i = 0; i < LENGTH; i += 1) suffix += ALPHABET[pick(ALPHABET.length)];
  return `OP-${suffix}`;
}
