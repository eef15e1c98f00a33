/** One sample of the broker's /metrics (0 when absent), e.g. metricValue(broker, 'mqtt_refusals_total', { reason: 'packet_too_large' }). */
export async function metricValue(broker: { metricsUrl: string }, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(broker.metricsUrl)).text();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = (match[2] ?? '').split(',');
    if (wanted.every((pair) => present.includes(pair))) return Number(match[3]);
  }
  return 0;
}

/** Refusals counted so far for one reason. */
export const refusals = (broker: { metricsUrl: string }, reason: string) => metricValue(broker, 'mqtt_refusals_total', { reason });
