import type { OrderCreatedEvent, OrderEvent, OrderSnapshot } from '@orderpulse/contracts';
import { createMapHopHistory, deepFreeze, PendingEventsIndex, type KeptHopRow } from '@orderpulse/service-kit';
import {
  DuplicateOrderNumberError,
  type ListOrdersQuery,
  type ListPosition,
  type OrderPage,
  type OrderRepository,
  type StoredOrder,
} from './order-repository.js';

/** Newest first: createdAt descending, then id descending. Negative when `a` comes first. */
function newestFirst(a: ListPosition, b: ListPosition): number {
  const byTime = Date.parse(b.createdAt) - Date.parse(a.createdAt);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The zero-setup store: data lives as long as `orders` does (a plain Map: the process; a
 * service-kit JournaledMap: across restarts). What goes in is copied and frozen; stored values are
 * only ever replaced, never mutated, so a journal sees every change. The hot reads (findOrder,
 * pendingEventsOf) hand out those frozen values instead of copies; the others copy.
 */
export function createInMemoryOrderRepository(
  orders: Map<string, StoredOrder> = new Map(),
  onClose: () => void = () => undefined,
  hopRows: Map<string, KeptHopRow> = new Map(),
  maxHopsPerOrder?: number,
): OrderRepository {
  let closed = false;
  for (const stored of orders.values()) deepFreeze(stored); // loaded from a journal
  // Order numbers never change: an index instead of a scan of every order per insert and lookup.
  const idByOrderNumber = new Map<string, string>();
  for (const [id, stored] of orders) idByOrderNumber.set(stored.order.orderNumber, id);
  const indexedOrders = new PendingEventsIndex(orders); // writes go through it (set) to keep its index of pending events

  return {
    async insert(order: OrderSnapshot, created: OrderCreatedEvent) {
      if (idByOrderNumber.has(order.orderNumber)) throw new DuplicateOrderNumberError(order.orderNumber);
      if (orders.has(order.id)) throw new Error(`order ${order.id} already exists`);
      indexedOrders.set(order.id, deepFreeze(structuredClone({ order, pendingEvents: [created] })));
      idByOrderNumber.set(order.orderNumber, order.id);
    },

    async update(next: OrderSnapshot, expectedVersion: number, event: OrderEvent) {
      const stored = orders.get(next.id);
      if (!stored || stored.order.version !== expectedVersion) return false;
      // Only the new parts are copied (in one call: the event shares parts of the order); the pending events are frozen already.
      const copied = structuredClone({ order: next, event });
      indexedOrders.set(next.id, deepFreeze({ order: copied.order, pendingEvents: [...stored.pendingEvents, copied.event] }));
      return true;
    },

    async findById(id) {
      const stored = orders.get(id);
      return stored ? structuredClone(stored) : null;
    },

    async findOrder(id) {
      return orders.get(id)?.order ?? null;
    },

    async findByOrderNumber(orderNumber) {
      const id = idByOrderNumber.get(orderNumber);
      const stored = id === undefined ? undefined : orders.get(id);
      return stored ? structuredClone(stored.order) : null;
    },

    async list(query: ListOrdersQuery): Promise<OrderPage> {
      const { status, limit, after } = query;
      const matching = [...orders.values()]
        .map((stored) => stored.order)
        .filter((order) => !status || order.status === status)
        .filter((order) => !after || newestFirst(after, order) < 0)
        .sort(newestFirst);
      const items = structuredClone(matching.slice(0, limit));
      const last = items[items.length - 1];
      return matching.length > limit && last ? { items, next: { createdAt: last.createdAt, id: last.id } } : { items };
    },

    async idsWithPendingEvents(limit) {
      return indexedOrders.oldestFirst(limit);
    },

    async pendingEventsOf(orderId) {
      return orders.get(orderId)?.pendingEvents ?? [];
    },

    async removePendingEvent(orderId, eventId) {
      const stored = orders.get(orderId);
      if (stored?.pendingEvents.some((event) => event.id === eventId)) {
        indexedOrders.setPublished(orderId, deepFreeze({ ...stored, pendingEvents: stored.pendingEvents.filter((event) => event.id !== eventId) }));
      }
    },

    async countPendingEvents() {
      return indexedOrders.count();
    },

    async recordFeedback(orderId, feedback) {
      const stored = orders.get(orderId);
      if (!stored) return 'not_found';
      if (stored.order.feedback) return 'already_rated';
      if (stored.order.status !== 'delivered') return 'not_delivered';
      indexedOrders.set(orderId, deepFreeze({ ...stored, order: { ...stored.order, feedback: structuredClone(feedback) } }));
      return 'recorded';
    },

    async listFeedback(limit) {
      const rated = [...orders.values()].flatMap(({ order }) =>
        order.feedback ? [{ orderId: order.id, orderNumber: order.orderNumber, feedback: order.feedback }] : [],
      );
      return structuredClone(rated.sort((a, b) => byCodePoint(b.feedback.at, a.feedback.at)).slice(0, limit));
    },

    hops: createMapHopHistory(hopRows, maxHopsPerOrder),
    isReady: () => !closed,

    async close() {
      if (closed) return;
      closed = true;
      onClose();
    },
  };
}
