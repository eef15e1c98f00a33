import type { AttackRow } from './attack-run.js';

/** The limits, held by every attack. */
export const RSS_LIMIT_MIB = 300;
export const LOG_BYTES_PER_REFUSAL = 1024;
/** Changes the bystander customer makes during each attack (Bystander.drive's path). */
export const BYSTANDER_CHANGES = 5;

/** Every limit `row` broke, in words (empty: it held them all). */
export function limitsBroken(row: AttackRow): string[] {
  const broken: string[] = [];
  for (const [name, figures] of Object.entries(row.rss)) {
    if (figures!.peakMiB >= RSS_LIMIT_MIB) broken.push(`${name} RSS peaked at ${figures!.peakMiB} MiB (limit ${RSS_LIMIT_MIB})`);
  }
  if (row.refused > 0 && row.log.bytes / row.refused > LOG_BYTES_PER_REFUSAL)
    broken.push(`${Math.round(row.log.bytes / row.refused)} bytes of log per refusal (limit ${LOG_BYTES_PER_REFUSAL})`);
  if (!row.customerStayedConnected) broken.push("the bystander customer's connection dropped");
  if (row.latenciesMs.length !== BYSTANDER_CHANGES) broken.push(`the customer received ${row.latenciesMs.length} of ${BYSTANDER_CHANGES} updates`);
  broken.push(...row.storedChanges.map((change) => `stored: ${change}`));
  broken.push(...row.retainedLeft.map((topic) => `retained message left on ${topic}`));
  return broken;
}
