/**
 * MQTT topic builders and parsers. Ids are validated so a builder can never produce a topic
 * containing wildcards or extra levels.
 */
const ID = /^[A-Za-z0-9_-]{1,64}$/;

function assertId(kind: string, id: string): string {
  if (!ID.test(id)) throw new Error(`invalid ${kind} for an MQTT topic: ${JSON.stringify(id)}`);
  return id;
}

export const topics = {
  orderStatus: (orderId: string) => `orders/${assertId('orderId', orderId)}/status`,
  orderTracking: (orderId: string) => `orders/${assertId('orderId', orderId)}/tracking`,
  orderLocation: (orderId: string) => `orders/${assertId('orderId', orderId)}/location`,
  adminOrders: () => 'admin/orders',
  riderAssignments: (riderId: string) => `riders/${assertId('riderId', riderId)}/assignments`,
  riderDeliveryStatus: (riderId: string, deliveryId: string) =>
    `riders/${assertId('riderId', riderId)}/deliveries/${assertId('deliveryId', deliveryId)}/status`,
  riderLocation: (riderId: string) => `riders/${assertId('riderId', riderId)}/location`,
} as const;

export type ParsedTopic =
  | { kind: 'order-status' | 'order-tracking' | 'order-location'; orderId: string }
  | { kind: 'admin-orders' }
  | { kind: 'rider-assignments' | 'rider-location'; riderId: string }
  | { kind: 'rider-delivery-status'; riderId: string; deliveryId: string };

const ORDER_KINDS = { status: 'order-status', tracking: 'order-tracking', location: 'order-location' } as const;

/** Recognises a concrete (wildcard-free) topic; anything else is `null`. */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts.some((p) => !ID.test(p))) return null;
  const [root, a, b, c, d] = parts;
  if (root === 'orders' && parts.length === 3 && a && b && b in ORDER_KINDS) {
    return { kind: ORDER_KINDS[b as keyof typeof ORDER_KINDS], orderId: a };
  }
  if (root === 'admin' && parts.length === 2 && a === 'orders') return { kind: 'admin-orders' };
  if (root === 'riders' && a) {
    if (parts.length === 3 && b === 'assignments') return { kind: 'rider-assignments', riderId: a };
    if (parts.length === 3 && b === 'location') return { kind: 'rider-location', riderId: a };
    if (parts.length === 5 && b === 'deliveries' && c && d === 'status') {
      return { kind: 'rider-delivery-status', riderId: a, deliveryId: c };
    }
  }
  return null;
}
