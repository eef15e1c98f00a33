import type { ListOrdersQuery, OrderPage } from '../data-access/order-repository.js';
import type { OrderUseCaseDeps } from './order-use-case-deps.js';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** Newest first, optionally one status only; `next` is where the following page starts. */
export async function listOrders(deps: Pick<OrderUseCaseDeps, 'repository'>, query: ListOrdersQuery): Promise<OrderPage> {
  const limit = Math.min(Math.max(query.limit, 1), MAX_PAGE_SIZE);
  return deps.repository.list({ ...query, limit });
}
