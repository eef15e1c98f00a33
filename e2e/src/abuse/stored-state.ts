import type { DeliverySnapshot, OrderSnapshot, Rider } from '@orderpulse/contracts';

/** Everything the system has stored, as an admin reads it back through the APIs. */
export interface StoredState {
  orders: Map<string, OrderSnapshot>;
  deliveries: Map<string, DeliverySnapshot>;
  riders: Map<string, Rider>;
}

async function getJson<T>(url: string, token: string): Promise<T> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Reads every order (paged), every delivery and every rider with an admin token. */
export async function readStoredState(urls: { orders: string; delivery: string }, adminToken: string): Promise<StoredState> {
  const orders = new Map<string, OrderSnapshot>();
  let cursor: string | null = null;
  do {
    const page: { items: OrderSnapshot[]; nextCursor: string | null } = await getJson(
      `${urls.orders}/orders?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      adminToken,
    );
    for (const o of page.items) orders.set(o.id, o);
    cursor = page.nextCursor;
  } while (cursor);
  const deliveries = await getJson<{ items: DeliverySnapshot[] }>(`${urls.delivery}/deliveries?limit=500`, adminToken);
  if (deliveries.items.length >= 500) throw new Error('more than 500 deliveries: the stored-state check cannot see them all');
  const riders = await getJson<{ items: Rider[] }>(`${urls.delivery}/riders`, adminToken);
  return {
    orders,
    deliveries: new Map(deliveries.items.map((d) => [d.id, d])),
    riders: new Map(riders.items.map((r) => [r.id, r])),
  };
}

/** What the test itself changed during an attack: these may differ, and only as stated. */
export interface ExpectedChanges {
  /** Orders the test wrote, as the store must now hold them. */
  orders: OrderSnapshot[];
  /** Orders whose delivery the system may have created or changed meanwhile (the test's own). */
  deliveriesOfOrders?: string[];
  /** Riders or deliveries the test itself created or moved. */
  ids?: string[];
}

/**
 * Every difference between `before` and `after` that `expected` does not explain, as readable
 * lines (empty: nothing the attacker did was stored).
 */
export function unexpectedChanges(before: StoredState, after: StoredState, expected: ExpectedChanges): string[] {
  const problems: string[] = [];
  const mayChange = new Set(expected.ids ?? []);
  const deliveryOrders = new Set([...(expected.deliveriesOfOrders ?? []), ...expected.orders.map((o) => o.id)]);
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const compare = <T extends { id: string }>(kind: string, was: Map<string, T>, now: Map<string, T>, allowed: (item: T) => boolean) => {
    for (const [id, item] of now) {
      const old = was.get(id);
      if (allowed(item) || mayChange.has(id)) continue;
      if (!old) problems.push(`${kind} ${id} appeared: ${JSON.stringify(item).slice(0, 300)}`);
      else if (!same(old, item)) problems.push(`${kind} ${id} changed: ${JSON.stringify(old).slice(0, 300)} → ${JSON.stringify(item).slice(0, 300)}`);
    }
    for (const id of was.keys()) if (!now.has(id)) problems.push(`${kind} ${id} disappeared`);
  };
  const writtenOrders = new Map(expected.orders.map((o) => [o.id, o]));
  compare('order', before.orders, after.orders, (o) => writtenOrders.has(o.id));
  for (const [id, written] of writtenOrders) {
    const stored = after.orders.get(id);
    if (!same(stored, written)) problems.push(`order ${id} is not what its last PATCH returned: ${JSON.stringify(stored).slice(0, 300)}`);
  }
  compare('delivery', before.deliveries, after.deliveries, (d) => deliveryOrders.has(d.orderId));
  compare('rider', before.riders, after.riders, () => false);
  return problems;
}
