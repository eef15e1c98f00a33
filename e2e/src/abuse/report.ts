import { percentile } from './bystander.js';
import type { AttackRow } from './attack-run.js';

const KB = 1024;

function logCell(row: AttackRow): string {
  const total = row.log.bytes < 10 * KB ? `${row.log.bytes} B` : `${(row.log.bytes / KB).toFixed(1)} KB`;
  const per = row.refused > 0 ? `, ${Math.round(row.log.bytes / row.refused)} B per refusal` : '';
  return `${row.log.lines} lines, ${total}${per}`;
}

function rssCell(row: AttackRow): string {
  const cell = (name: string, f: { startMiB: number; peakMiB: number }) => `${name} ${f.startMiB.toFixed(0)} → ${f.peakMiB.toFixed(0)}`;
  const target = row.logOf?.[0];
  const other = target && target !== 'broker' ? row.rss[target as keyof typeof row.rss] : undefined;
  return [cell('broker', row.brokerRss), ...(other ? [cell(target!, other)] : [])].join('; ');
}

/** The markdown table of attacks and results, as printed after a run and quoted in the README. */
export function abuseTable(rows: AttackRow[]): string {
  const lines = [
    '| attack | figures | limit it meets | RSS start → peak MiB | log written | customer p99 ms (changes during attack) | stored / retained changed |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const stored = r.storedChanges.length || r.retainedLeft.length ? `**${r.storedChanges.length} / ${r.retainedLeft.length}**` : 'no / no';
    lines.push(
      `| ${r.attack} | ${r.figures}; ${(r.durationMs / 1000).toFixed(1)} s | ${r.limit} | ${rssCell(r)} | ${logCell(r)} | ${r.customerP99Ms.toFixed(1)} (${r.duringAttack}/${r.latenciesMs.length}) | ${stored} |`,
    );
  }
  const all = rows.flatMap((r) => r.latenciesMs);
  if (all.length)
    lines.push(
      '',
      `Customer PATCH → receipt over all attacks: p50 ${percentile(all, 50).toFixed(1)} ms, p99 ${percentile(all, 99).toFixed(1)} ms (${all.length} changes).`,
    );
  return lines.join('\n');
}
