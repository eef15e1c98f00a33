/** A latency-by-percentile plot as a standalone SVG document (no dependencies). */

export type PercentileCurve = Array<{ percentile: number; ms: number }>;

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

/** x position of a percentile: log10(1/(1-p)), so 90% → 1, 99% → 2, 99.9% → 3 … */
function decades(percentile: number): number {
  const rest = 1 - percentile / 100;
  return rest <= 0 ? Infinity : Math.log10(1 / rest);
}

/** Whole decades around the data (at least one): 0.1 ms to 10 s for curves from 0.4 ms to 3.2 s. */
export function logRange(minMs: number, maxMs: number): { from: number; to: number } {
  if (!Number.isFinite(minMs) || !(maxMs > 0)) return { from: 0.1, to: 10 };
  const from = Math.pow(10, Math.floor(Math.log10(minMs)));
  const to = Math.max(Math.pow(10, Math.ceil(Math.log10(maxMs))), from * 10);
  return { from, to };
}

/** 1, 2 and 5 of every decade in the range. */
export function logTicks(from: number, to: number): number[] {
  const ticks: number[] = [];
  for (let decade = from; decade < to * 1.0001; decade *= 10) {
    for (const step of [1, 2, 5]) {
      const value = Number((decade * step).toPrecision(6));
      if (value <= to * 1.0001) ticks.push(value);
    }
  }
  return ticks;
}

function formatMs(value: number): string {
  if (value === 0) return '0';
  if (value >= 100) return value.toFixed(0);
  if (value >= 1) return String(Number(value.toFixed(2)));
  return String(Number(value.toPrecision(2)));
}

function percentileLabel(decade: number): string {
  if (decade === 0) return '0%';
  const p = 100 * (1 - Math.pow(10, -decade));
  return `${Number(p.toFixed(decade))}%`;
}

export interface LatencySvgOptions {
  /** Series drawn dashed (e.g. the reference system). */
  dashed?: (name: string) => boolean;
  /** Series with the same key share a colour (e.g. one scenario, two systems); default: the name. */
  colourKey?: (name: string) => string;
}

export function renderLatencySvg(series: Record<string, PercentileCurve>, title: string, options: LatencySvgOptions = {}): string {
  const width = 900;
  const legendRows = Object.keys(series).length;
  const plot = { left: 70, top: 40, width: 560, height: 380 };
  const height = Math.max(plot.top + plot.height + 60, 60 + legendRows * 18);
  const names = Object.keys(series);

  let maxDecade = 4; // always show up to 99.99%
  let maxMs = 0;
  let minMs = Infinity;
  for (const curve of Object.values(series)) {
    for (const point of curve) {
      const d = decades(point.percentile);
      if (Number.isFinite(d)) maxDecade = Math.max(maxDecade, Math.ceil(d - 1e-9));
      if (Number.isFinite(point.ms)) maxMs = Math.max(maxMs, point.ms);
      if (Number.isFinite(point.ms) && point.ms > 0) minMs = Math.min(minMs, point.ms);
    }
  }
  maxDecade = Math.min(maxDecade, 7);
  // Latency on a log scale, whole decades: a 3 ms curve stays readable next to a 3 s one.
  const { from, to } = logRange(minMs, maxMs);
  const x = (d: number) => plot.left + (Math.min(d, maxDecade) / maxDecade) * plot.width;
  const y = (ms: number) =>
    plot.top + plot.height - ((Math.log10(Math.min(Math.max(ms, from), to)) - Math.log10(from)) / (Math.log10(to) - Math.log10(from))) * plot.height;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text x="${plot.left + plot.width / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`);
  // Grid and axes.
  for (let d = 0; d <= maxDecade; d++) {
    const px = x(d).toFixed(1);
    out.push(`<line x1="${px}" y1="${plot.top}" x2="${px}" y2="${plot.top + plot.height}" stroke="#ddd"/>`);
    out.push(`<text x="${px}" y="${plot.top + plot.height + 16}" text-anchor="middle">${percentileLabel(d)}</text>`);
  }
  for (const value of logTicks(from, to)) {
    const py = y(value).toFixed(1);
    const decade = Number.isInteger(Math.log10(value));
    out.push(`<line x1="${plot.left}" y1="${py}" x2="${plot.left + plot.width}" y2="${py}" stroke="${decade ? '#ccc' : '#eee'}"/>`);
    out.push(`<text x="${plot.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle"${decade ? '' : ' fill="#777"'}>${formatMs(value)}</text>`);
  }
  out.push(`<rect x="${plot.left}" y="${plot.top}" width="${plot.width}" height="${plot.height}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${plot.left + plot.width / 2}" y="${plot.top + plot.height + 36}" text-anchor="middle">percentile</text>`);
  out.push(
    `<text x="18" y="${plot.top + plot.height / 2}" text-anchor="middle" transform="rotate(-90 18 ${plot.top + plot.height / 2})">latency (ms, log scale)</text>`,
  );
  // Series and legend.
  const colourKeys: string[] = [];
  names.forEach((name, i) => {
    const key = options.colourKey ? options.colourKey(name) : name;
    if (!colourKeys.includes(key)) colourKeys.push(key);
    const colour = COLOURS[colourKeys.indexOf(key) % COLOURS.length] as string;
    const dash = options.dashed?.(name) ? ' stroke-dasharray="6 4"' : '';
    const curve = series[name] ?? [];
    const points = curve
      .filter((p) => Number.isFinite(p.ms) && Number.isFinite(decades(p.percentile)))
      .map((p) => `${x(decades(p.percentile)).toFixed(1)},${y(p.ms).toFixed(1)}`);
    if (points.length > 0) out.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.8"${dash} points="${points.join(' ')}"/>`);
    const ly = plot.top + 8 + i * 18;
    const lx = plot.left + plot.width + 20;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${colour}" stroke-width="3"${dash}/>`);
    out.push(`<text x="${lx + 30}" y="${ly}" dominant-baseline="middle">${escapeXml(name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
