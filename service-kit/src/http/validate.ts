import type { z } from 'zod';
import { BadRequestError } from './errors.js';

/** Parses `input` with `schema`; a failure becomes a 400 that names each bad field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown, what = 'request body'): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join('.') : '(body)',
    message: issue.message,
  }));
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  throw new BadRequestError(`invalid ${what}: ${summary}`, fields);
}
