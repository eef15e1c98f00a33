import type { Rider } from '@orderpulse/contracts';
import { DuplicateRiderError, type RiderRepository } from './delivery-store.js';

export function createInMemoryRiders(riders: Map<string, Rider> = new Map()): RiderRepository {
  return {
    async insert(rider) {
      if (riders.has(rider.id)) throw new DuplicateRiderError(rider.id);
      riders.set(rider.id, structuredClone(rider));
    },
    async findById(id) {
      const rider = riders.get(id);
      return rider ? structuredClone(rider) : null;
    },
    async list() {
      const all = [...riders.values()].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return structuredClone(all);
    },
  };
}
