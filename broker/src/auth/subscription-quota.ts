import type { Client } from 'aedes';

/**
 * Distinct topic filters one connection holds, capped: each granted filter is kept in memory
 * by aedes (and in the store for a persistent session), so without a cap one token holder could
 * subscribe without end inside its own tree (a rider's `riders/<own>/#` covers any number).
 */
export interface SubscriptionQuota {
  /** Counts `filter` against `client` and returns true, or returns false when `client` already holds `max` others. */
  admit(client: Client, filter: string): boolean;
  /** Gives back filters the client unsubscribed from. */
  release(client: Client, filters: readonly string[]): void;
  count(client: Client): number;
}

export function createSubscriptionQuota(max: number): SubscriptionQuota {
  // Kept per connection (a restored persistent session is counted again as aedes re-authorizes
  // it); entries go with their client object.
  const held = new WeakMap<Client, Set<string>>();
  return {
    admit(client, filter) {
      let filters = held.get(client);
      if (!filters) {
        filters = new Set();
        held.set(client, filters);
      }
      if (filters.has(filter)) return true;
      if (filters.size >= max) return false;
      filters.add(filter);
      return true;
    },
    release(client, filters) {
      const mine = held.get(client);
      if (mine) for (const filter of filters) mine.delete(filter);
    },
    count: (client) => held.get(client)?.size ?? 0,
  };
}
