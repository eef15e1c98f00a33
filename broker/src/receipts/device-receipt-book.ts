/**
 * Issue 17 point 1: the broker's bookkeeping for "when did the first customer device acknowledge
 * this message". Pure (no aedes): which customer connections are subscribed to which order
 * topics, and which (topic, version) pairs wait for their first acknowledgement. Bounded: at most
 * `maxPendingTopics` topics wait (the oldest is dropped first), at most `maxVersionsPerTopic`
 * versions each (the oldest dropped), and a version nobody acknowledged within `ttlMs` is forgotten.
 */
export interface DeviceReceiptBookOptions {
  maxPendingTopics: number;
  maxVersionsPerTopic: number;
  ttlMs: number;
}

export interface PendingMessage {
  orderId: string;
  version: number;
  publishedAtMs: number;
}

export type PublishedOutcome = 'nobody-watching' | 'pending' | 'already-pending';

export class DeviceReceiptBook<C> {
  private readonly watchers = new Map<string, Set<C>>();
  private readonly topicsOf = new Map<C, Set<string>>();
  /** Insertion order is age order: a topic published again moves to the end. */
  private readonly pending = new Map<string, PendingMessage[]>();
  private lastSweepMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: DeviceReceiptBookOptions) {}

  watch(client: C, topic: string): void {
    let clients = this.watchers.get(topic);
    if (!clients) this.watchers.set(topic, (clients = new Set()));
    clients.add(client);
    let own = this.topicsOf.get(client);
    if (!own) this.topicsOf.set(client, (own = new Set()));
    own.add(topic);
  }

  unwatch(client: C, topic: string): void {
    const clients = this.watchers.get(topic);
    clients?.delete(client);
    if (clients?.size === 0) this.watchers.delete(topic);
    this.topicsOf.get(client)?.delete(topic);
  }

  /** The client's connection is gone: it watches nothing any more. */
  drop(client: C): void {
    for (const topic of this.topicsOf.get(client) ?? []) {
      const clients = this.watchers.get(topic);
      clients?.delete(client);
      if (clients?.size === 0) this.watchers.delete(topic);
    }
    this.topicsOf.delete(client);
  }

  watcherCount(topic: string): number {
    return this.watchers.get(topic)?.size ?? 0;
  }

  /** A service published `version` on `topic`: it now waits for a customer's acknowledgement, unless nobody watches. */
  published(topic: string, message: PendingMessage): PublishedOutcome {
    this.expire(message.publishedAtMs);
    if (this.watcherCount(topic) === 0) return 'nobody-watching';
    const versions = this.pending.get(topic) ?? [];
    if (versions.some((p) => p.version === message.version)) return 'already-pending';
    this.pending.delete(topic);
    versions.push(message);
    if (versions.length > this.options.maxVersionsPerTopic) versions.splice(0, versions.length - this.options.maxVersionsPerTopic);
    this.pending.set(topic, versions);
    while (this.pending.size > this.options.maxPendingTopics) {
      const oldest = this.pending.keys().next().value;
      if (oldest === undefined) break;
      this.pending.delete(oldest);
    }
    return 'pending';
  }

  /** A customer acknowledged `version` on `topic`: the pending message, the first time only. */
  acknowledged(topic: string, version: number, nowMs: number): PendingMessage | undefined {
    this.expire(nowMs);
    const versions = this.pending.get(topic);
    const index = versions?.findIndex((p) => p.version === version) ?? -1;
    if (!versions || index < 0) return undefined;
    const [found] = versions.splice(index, 1);
    if (versions.length === 0) this.pending.delete(topic);
    return found && !this.stale(found, nowMs) ? found : undefined;
  }

  pendingCount(): number {
    let count = 0;
    for (const versions of this.pending.values()) count += versions.length;
    return count;
  }

  /** Drops what waited longer than the TTL; a full pass at most four times per TTL, so the hot path stays cheap. */
  private expire(nowMs: number): void {
    if (nowMs - this.lastSweepMs < this.options.ttlMs / 4) return;
    this.lastSweepMs = nowMs;
    for (const [topic, versions] of this.pending) {
      const kept = versions.filter((p) => !this.stale(p, nowMs));
      if (kept.length === 0) this.pending.delete(topic);
      else if (kept.length < versions.length) this.pending.set(topic, kept);
    }
  }

  private stale(message: PendingMessage, nowMs: number): boolean {
    return nowMs - message.publishedAtMs >= this.options.ttlMs;
  }
}
