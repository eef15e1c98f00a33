/**
 * MQTT topic builders and parsers. Ids are validated so a builder can never produce a topic
 * containing wildcards or extra levels.
 */
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Whether `id` may be one level of a topic (what every builder below checks). */
export function isTopicId(id: string): boolean {
  return ID.test(id);
}

function assertId(kind: string, id: string): string {
  if (!ID.test(id)) throw new Error(`invalid ${kind} for an MQTT topic: ${JSON.stringify(id)}`);
  return id;
}

/**
 * The MQTT keepalive (seconds) the browser apps connect with: the page notices a connection that
 * died silently within one to two of these, and the broker pings each page this often. The
 * benchmarks' simulated pages use it too, so that what they cost the broker is what pages cost.
 */
export const BROWSER_KEEPALIVE_SECONDS = 30;

export const topics = {
  orderStatus: (orderId: string) => `orders/${assertId('orderId', orderId)}/status`,
  orderTracking: (orderId: string) => `orders/${assertId('orderId', orderId)}/tracking`,
  orderLocation: (orderId: string) => `orders/${assertId('orderId', orderId)}/location`,
  /** Retained, by the notifier: how fresh the rider's signal is, while the rider is on the way. */
  orderSignal: (orderId: string) => `orders/${assertId('orderId', orderId)}/signal`,
  /** Issue 17 point 1: written only by the order's customer devices, "this page applied that message" (the broker turns it into an admin receipt). */
  orderReceipt: (orderId: string) => `orders/${assertId('orderId', orderId)}/receipt`,
  adminOrders: () => 'admin/orders',
  /** Issue 17 point 1: per-hop receipts of one order's messages (the broker's acceptance of each, the first customer device's), written by the broker, admins only. */
  adminReceipts: (orderId: string) => `admin/receipts/${assertId('orderId', orderId)}`,
  riderAssignments: (riderId: string) => `riders/${assertId('riderId', riderId)}/assignments`,
  riderDeliveryStatus: (riderId: string, deliveryId: string) =>
    `riders/${assertId('riderId', riderId)}/deliveries/${assertId('deliveryId', deliveryId)}/status`,
  riderLocation: (riderId: string) => `riders/${assertId('riderId', riderId)}/location`,
  /** Written only by that rider's device while a delivery is open: "still here". */
  riderHeartbeat: (riderId: string) => `riders/${assertId('riderId', riderId)}/heartbeat`,
  /** Retained, by the broker itself: whether the rider has a connection, and since when. */
  riderPresence: (riderId: string) => `riders/${assertId('riderId', riderId)}/presence`,
} as const;

export type ParsedTopic =
  | { kind: 'order-status' | 'order-tracking' | 'order-location' | 'order-signal' | 'order-receipt'; orderId: string }
  | { kind: 'admin-orders' }
  | { kind: 'rider-assignments' | 'rider-location' | 'rider-heartbeat' | 'rider-presence'; riderId: string }
  | { kind: 'rider-delivery-status'; riderId: string; deliveryId: string };

const ORDER_KINDS = {
  status: 'order-status',
  tracking: 'order-tracking',
  location: 'order-location',
  signal: 'order-signal',
  receipt: 'order-receipt',
} as const;
const RIDER_KINDS = { assignments: 'rider-assignments', location: 'rider-location', heartbeat: 'rider-heartbeat', presence: 'rider-presence' } as const;

/** Recognises a concrete (wildcard-free) topic; anything else is `null`. */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts.some((p) => !ID.test(p))) return null;
  const [root, a, b, c, d] = parts;
  if (root === 'orders' && parts.length === 3 && a && b && Object.hasOwn(ORDER_KINDS, b)) {
    return { kind: ORDER_KINDS[b as keyof typeof ORDER_KINDS], orderId: a };
  }
  if (root === 'admin' && parts.length === 2 && a === 'orders') return { kind: 'admin-orders' };
  if (root === 'riders' && a) {
    if (parts.length === 3 && b && Object.hasOwn(RIDER_KINDS, b)) return { kind: RIDER_KINDS[b as keyof typeof RIDER_KINDS], riderId: a };
    if (parts.length === 5 && b === 'deliveries' && c && d === 'status') {
      return { kind: 'rider-delivery-status', riderId: a, deliveryId: c };
    }
  }
  return null;
}
