import * as hdr from 'hdr-histogram-js';

/** Latency figures in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export interface LatencyRecorderJSON {
  /** hdr-histogram-js compressed base64 encoding (values in microseconds). */
  hdr: string;
  /** Values above the trackable range (clamped into it when recorded). */
  overflow: number;
}

/** Highest trackable latency: 60 s, in microseconds. */
const HIGHEST_US = 60_000_000;

function newHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3, autoResize: false });
}

/**
 * Latency recorder over an HDR histogram with microsecond resolution up to 60 s.
 * `record` takes milliseconds (fractions allowed); every figure it reports is in milliseconds.
 */
export class LatencyRecorder {
  private histogram: hdr.Histogram;
  /** How many recorded values were above 60 s (recorded as 60 s). */
  overflow = 0;

  constructor(histogram?: hdr.Histogram) {
    this.histogram = histogram ?? newHistogram();
  }

  /** Records one latency in milliseconds. Negative values (clock jitter) count as 0. */
  record(ms: number): void {
    let us = Math.round(ms * 1000);
    if (!(us > 0)) us = 0;
    else if (us > HIGHEST_US) {
      us = HIGHEST_US;
      this.overflow += 1;
    }
    this.histogram.recordValue(us);
  }

  merge(other: LatencyRecorder): void {
    this.histogram.add(other.histogram);
    this.overflow += other.overflow;
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** Latency at a percentile (0..100), milliseconds. */
  percentile(p: number): number {
    return this.histogram.totalCount === 0 ? NaN : this.histogram.getValueAtPercentile(p) / 1000;
  }

  summary(): LatencySummary {
    const h = this.histogram;
    if (h.totalCount === 0) return { count: 0, p50: NaN, p95: NaN, p99: NaN, p999: NaN, max: NaN, mean: NaN };
    return {
      count: h.totalCount,
      p50: h.getValueAtPercentile(50) / 1000,
      p95: h.getValueAtPercentile(95) / 1000,
      p99: h.getValueAtPercentile(99) / 1000,
      p999: h.getValueAtPercentile(99.9) / 1000,
      max: h.maxValue / 1000,
      mean: h.mean / 1000,
    };
  }

  /**
   * Latency by percentile for plotting: points spaced evenly on a log scale of 1/(1-p), ten per
   * decade, from 0% up to the highest percentile the sample count supports, then the maximum.
   */
  percentileCurve(ticksPerDecade = 10): Array<{ percentile: number; ms: number }> {
    const h = this.histogram;
    const n = h.totalCount;
    if (n === 0) return [];
    const points: Array<{ percentile: number; ms: number }> = [];
    const maxDecades = Math.log10(n);
    for (let k = 0; k / ticksPerDecade <= maxDecades && k <= 7 * ticksPerDecade; k++) {
      const percentile = 100 * (1 - Math.pow(10, -k / ticksPerDecade));
      points.push({ percentile, ms: h.getValueAtPercentile(percentile) / 1000 });
    }
    const lastPercentile = 100 * (1 - 1 / n);
    const last = points[points.length - 1];
    if (last === undefined || last.percentile < lastPercentile) points.push({ percentile: lastPercentile, ms: h.maxValue / 1000 });
    else last.ms = Math.max(last.ms, h.maxValue / 1000);
    return points;
  }

  toJSON(): LatencyRecorderJSON {
    return { hdr: hdr.encodeIntoCompressedBase64(this.histogram), overflow: this.overflow };
  }

  static fromJSON(json: LatencyRecorderJSON | string): LatencyRecorder {
    const data: LatencyRecorderJSON = typeof json === 'string' ? (JSON.parse(json) as LatencyRecorderJSON) : json;
    const decoded = hdr.decodeFromCompressedBase64(data.hdr);
    // Copy into a histogram with the standard layout, so merges always line up.
    const recorder = new LatencyRecorder();
    recorder.histogram.add(decoded);
    decoded.destroy();
    recorder.overflow = data.overflow ?? 0;
    return recorder;
  }

  reset(): void {
    this.histogram.reset();
    this.overflow = 0;
  }
}
