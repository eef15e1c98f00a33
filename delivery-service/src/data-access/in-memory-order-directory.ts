import type { KnownOrder, OrderDirectory } from './delivery-store.js';

export function createInMemoryOrderDirectory(orders: Map<string, KnownOrder> = new Map()): OrderDirectory {
  return {
    async remember(order) {
      if (!orders.has(order.orderId)) orders.set(order.orderId, structuredClone(order));
    },
    async find(orderId) {
      const order = orders.get(orderId);
      return order ? structuredClone(order) : null;
    },
  };
}
