import type { z } from 'zod';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes → UTF-8 → JSON → schema. Never throws: a bad payload is reported, not fatal. */
export function decodePayload<T>(payload: Uint8Array, schema: z.ZodType<T>, maxBytes: number): Decoded<T> {
  if (payload.byteLength > maxBytes) return { ok: false, reason: `payload of ${payload.byteLength} bytes exceeds ${maxBytes}` };
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(payload));
  } catch (err) {
    return { ok: false, reason: `not UTF-8 JSON: ${(err as Error).message}` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  return { ok: false, reason: `failed validation: ${issues}` };
}
