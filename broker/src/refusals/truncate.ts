/**
 * What a client sent (client id, username, topic) goes into refusal log lines as a short prefix
 * and its length, so a 60,000-character client id costs a few hundred bytes of log, not 60 KB.
 */
export function truncateForLog(value: string, maxChars: number): string {
  if (value.length <= maxChars) return value;
  return `${value.slice(0, maxChars)}…[${value.length} chars]`;
}

/** Every string field of a log line truncated (see truncateForLog); other values as they are. */
export function truncateFields(fields: Record<string, unknown>, maxChars: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) out[key] = typeof value === 'string' ? truncateForLog(value, maxChars) : value;
  return out;
}
