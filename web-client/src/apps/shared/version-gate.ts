/**
 * Remembers the highest version seen per topic. Retained messages are redelivered on every
 * reconnect and events may arrive out of order, so only a strictly newer version is news.
 */
export class VersionGate {
  private readonly latest = new Map<string, number>();

  /** True (and remembered) when `version` is newer than anything seen on `topic`. */
  admit(topic: string, version: number): boolean {
    const current = this.latest.get(topic);
    if (current !== undefined && version <= current) return false;
    this.latest.set(topic, version);
    return true;
  }

  latestFor(topic: string): number | undefined {
    return this.latest.get(topic);
  }
}
