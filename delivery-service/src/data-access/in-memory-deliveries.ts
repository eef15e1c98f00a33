import { deepFreeze, PendingEventsIndex } from '@orderpulse/service-kit';
import { deliveredAt, type DeliveryCreatedEvent, type DeliveryEvent, type DeliverySnapshot, type DeliveryStatus } from '@orderpulse/contracts';

/** Issue 18 point 5: the statuses a delivery can still become late in. */
const OPEN: readonly DeliveryStatus[] = ['awaiting_assignment', 'assigned', 'picked_up', 'in_transit'];
import { DuplicateDeliveryError, type DeliveryQuery, type DeliveryRepository, type StoredDelivery } from './delivery-store.js';

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Newest first: createdAt descending, then id descending. */
function newestFirst(a: DeliverySnapshot, b: DeliverySnapshot): number {
  return Date.parse(b.createdAt) - Date.parse(a.createdAt) || byCodePoint(b.id, a.id);
}

function matches(delivery: DeliverySnapshot, query: DeliveryQuery): boolean {
  if (query.orderId && delivery.orderId !== query.orderId) return false;
  if (query.riderId && delivery.rider?.id !== query.riderId) return false;
  if (query.statuses?.length && !query.statuses.includes(delivery.status)) return false;
  return true;
}

/**
 * Deliveries in a Map: a plain one lives as long as the process, a JournaledMap survives
 * restarts. What goes in is copied and frozen, and every change is a `set`, never an in-place
 * edit. The outbox's read (pendingEventsOf) hands out those frozen values; the other reads copy.
 */
export function createInMemoryDeliveries(deliveries: Map<string, StoredDelivery> = new Map()): DeliveryRepository {
  // A delivery's order never changes: an index instead of a scan of every delivery per order event.
  const idByOrderId = new Map<string, string>();
  for (const [id, stored] of deliveries) {
    idByOrderId.set(stored.delivery.orderId, id);
    deepFreeze(stored); // loaded from a journal
  }
  const indexedDeliveries = new PendingEventsIndex(deliveries); // writes go through it (set) to keep its index of pending events
  return {
    async insert(delivery: DeliverySnapshot, created: DeliveryCreatedEvent) {
      if (idByOrderId.has(delivery.orderId)) throw new DuplicateDeliveryError(delivery.orderId);
      if (deliveries.has(delivery.id)) throw new Error(`delivery ${delivery.id} already exists`);
      indexedDeliveries.set(delivery.id, deepFreeze(structuredClone({ delivery, pendingEvents: [created] })));
      idByOrderId.set(delivery.orderId, delivery.id);
    },

    async update(next: DeliverySnapshot, expectedVersion: number, event: DeliveryEvent) {
      const stored = deliveries.get(next.id);
      if (!stored || stored.delivery.version !== expectedVersion) return false;
      // Only the new parts are copied (in one call: the event shares parts of the delivery); the pending events are frozen already.
      const copied = structuredClone({ delivery: next, event });
      indexedDeliveries.set(next.id, deepFreeze({ delivery: copied.delivery, pendingEvents: [...stored.pendingEvents, copied.event] }));
      return true;
    },

    async findById(id) {
      const stored = deliveries.get(id);
      return stored ? structuredClone(stored) : null;
    },

    async findByOrderId(orderId) {
      const id = idByOrderId.get(orderId);
      const stored = id === undefined ? undefined : deliveries.get(id);
      return stored ? structuredClone(stored.delivery) : null;
    },

    async list(query) {
      const found = [...deliveries.values()].map((s) => s.delivery).filter((d) => matches(d, query));
      return structuredClone(found.sort(newestFirst).slice(0, query.limit));
    },

    async idsWithPendingEvents(limit) {
      return indexedDeliveries.oldestFirst(limit);
    },

    async pendingEventsOf(id) {
      return deliveries.get(id)?.pendingEvents ?? [];
    },

    async removePendingEvent(id, eventId) {
      const stored = deliveries.get(id);
      if (stored?.pendingEvents.some((event) => event.id === eventId)) {
        indexedDeliveries.setPublished(id, deepFreeze({ ...stored, pendingEvents: stored.pendingEvents.filter((event) => event.id !== eventId) }));
      }
    },

    async overdue(now, limit) {
      const found = [...deliveries.values()]
        .map((s) => s.delivery)
        .filter((d) => OPEN.includes(d.status) && d.promisedWindow && !d.lateSince && Date.parse(d.promisedWindow.end) < now.getTime());
      return structuredClone(found.sort((a, b) => Date.parse(a.promisedWindow!.end) - Date.parse(b.promisedWindow!.end)).slice(0, limit));
    },

    async deliveredBetween(from, to, limit) {
      const arrival = (d: DeliverySnapshot) => Date.parse(deliveredAt(d) ?? '');
      const found = [...deliveries.values()]
        .map((s) => s.delivery)
        .filter((d) => d.status === 'delivered' && arrival(d) >= from.getTime() && arrival(d) < to.getTime());
      return structuredClone(found.sort((a, b) => arrival(b) - arrival(a)).slice(0, limit));
    },

    async countPendingEvents() {
      return indexedDeliveries.count();
    },
  };
}
