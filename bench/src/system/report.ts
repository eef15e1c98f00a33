import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { markdownTable, resultsDir, type BenchRow } from '../lib/index.js';

export interface MarkdownSection {
  title: string;
  rows: BenchRow[];
  columns: string[];
  text?: string[];
}

/** bench/results/<name>.md: a heading, the sections' tables and notes. */
export function writeMarkdown(name: string, heading: string, intro: string[], sections: MarkdownSection[], notes: string[]): string {
  const parts = [`# ${heading}`, '', ...intro, ''];
  for (const section of sections) {
    parts.push(`## ${section.title}`, '');
    if (section.text?.length) parts.push(...section.text, '');
    parts.push(markdownTable(section.rows, section.columns), '');
  }
  if (notes.length) parts.push('## Notes', '', ...notes.map((n) => `- ${n}`), '');
  const file = path.join(resultsDir(), `${name}.md`);
  writeFileSync(file, parts.join('\n'));
  return file;
}

/** A one-line description of the machine and its load, for the results' header. */
export function machineLine(): string {
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  let pressure = '';
  try {
    // Share of time some runnable task waited for a CPU (Linux PSI): how contended the machine was.
    const some = /^some avg10=([\d.]+) avg60=([\d.]+) avg300=([\d.]+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    if (some) pressure = `, CPU pressure (PSI "some") ${some[2]}% over the last minute, ${some[3]}% over 5 min`;
  } catch {
    // no PSI on this kernel
  }
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${load} at the end${pressure}`;
}
