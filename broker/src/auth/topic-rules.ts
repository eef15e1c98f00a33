/**
 * Who may subscribe to, publish on and receive which topics: DESIGN.md "Who may do what" as
 * data. Pure (no sockets, no aedes types): it takes verified token claims and a topic.
 *
 * Every right is a grant (an MQTT filter). A subscription is allowed when one grant covers the
 * whole filter, so a wildcard can never reach past what is granted; a publish or a delivery is
 * allowed when one grant matches the topic. Receiving uses the subscribe grants, so a retained
 * message or a broad filter cannot deliver what the client could not have subscribed to.
 */
import {
  anyGrantMatches,
  covers,
  hasWildcard,
  isValidFilter,
  isValidTopicName,
  levelsOf,
  ORDER_RECEIPT_MAX_BYTES,
  RIDER_HEARTBEAT_MAX_BYTES,
  type Levels,
  type Role,
  type TokenClaims,
} from '@orderpulse/contracts';

interface GrantList {
  subscribe: readonly string[];
  publish: readonly string[];
}

const NOTHING: GrantList = { subscribe: [], publish: [] };

/** The notifier is the only writer of order, admin and assignment topics; it may read them too. */
const NOTIFIER_TOPICS = ['orders/#', 'admin/#', 'riders/+/assignments'];

const SERVICE_GRANTS: Record<Extract<TokenClaims, { role: 'service' }>['sub'], GrantList> = {
  // Also reads riders' heartbeats and the presence the broker publishes, to tell customers how fresh the signal is.
  notifier: { subscribe: [...NOTIFIER_TOPICS, 'riders/+/heartbeat', 'riders/+/presence'], publish: NOTIFIER_TOPICS },
  // Ingests what riders report, and keeps the per-hop receipts for replays (issue 17 point 4); it
  // publishes nothing over MQTT (its events go to RabbitMQ).
  'delivery-service': { subscribe: ['riders/+/deliveries/+/status', 'riders/+/location', 'admin/receipts/+'], publish: [] },
  'orders-service': NOTHING,
};

/** Ids in claims are validated by tokenClaimsSchema (uuid, rider-id pattern): no `/`, `+` or `#`. */
function grantsFor(claims: TokenClaims): GrantList {
  switch (claims.role) {
    case 'customer': {
      const order = `orders/${claims.orderId}`;
      // Its page's receipts (issue 17 point 1): its own order only; the broker turns them into admin receipts.
      return { subscribe: [`${order}/status`, `${order}/tracking`, `${order}/location`, `${order}/signal`], publish: [`${order}/receipt`] };
    }
    case 'rider': {
      const own = `riders/${claims.riderId}`;
      // The broker cannot know which deliveries are assigned; delivery-service refuses the rest.
      // Its presence (`${own}/presence`) is written by the broker alone; the rider may read it.
      return { subscribe: [`${own}/#`], publish: [`${own}/deliveries/+/status`, `${own}/location`, `${own}/heartbeat`] };
    }
    case 'admin':
      return { subscribe: ['orders/#', 'admin/#', 'riders/#', '$SYS/#'], publish: [] };
    case 'service':
      return SERVICE_GRANTS[claims.sub];
  }
}

/** What one authenticated client may do, prepared once at CONNECT. */
export interface Access {
  readonly role: Role;
  readonly subscribe: readonly Levels[];
  readonly publish: readonly Levels[];
}

export function accessFor(claims: TokenClaims): Access {
  const grants = grantsFor(claims);
  return { role: claims.role, subscribe: grants.subscribe.map(levelsOf), publish: grants.publish.map(levelsOf) };
}

export type Decision = { allow: true } | { allow: false; reason: string };

const ALLOW: Decision = { allow: true };

function deny(reason: string): Decision {
  return { allow: false, reason };
}

const NOT_AUTHENTICATED = deny('no authenticated client');

function anyCovers(grants: readonly Levels[], filter: string): boolean {
  const levels = levelsOf(filter);
  return grants.some((grant) => covers(grant, levels));
}

export function subscribeDecision(access: Access | undefined, filter: string): Decision {
  if (!access) return NOT_AUTHENTICATED;
  if (!isValidFilter(filter)) return deny('not a valid topic filter');
  if (access.role === 'customer' && hasWildcard(filter)) return deny('customers may not use wildcards');
  if (anyCovers(access.subscribe, filter)) return ALLOW;
  if (filter.startsWith('$')) return deny('$SYS is for admins only');
  return deny(`outside the topics a ${access.role} may subscribe to`);
}

/** `access` is undefined for a will published after its client is gone: refused. */
export function publishDecision(access: Access | undefined, topic: string): Decision {
  if (!access) return NOT_AUTHENTICATED;
  if (!isValidTopicName(topic)) return deny('not a valid topic name');
  // [MQTT-4.7.2-1] `$` topics belong to the server; aedes publishes its heartbeats under `$SYS/`.
  if (topic.startsWith('$')) return deny('$ topics are reserved for the broker');
  if (anyGrantMatches(access.publish, topic)) return ALLOW;
  return deny(`outside the topics a ${access.role} may publish to`);
}

/**
 * A topic whose payloads must stay smaller than the broker's general limit: a heartbeat says
 * only "still here" and a customer's receipt names a topic and a version, so anything bigger is not one. Undefined: the general limit applies.
 */
export function topicPayloadLimit(topic: string): number | undefined {
  if (topic.startsWith('riders/') && topic.endsWith('/heartbeat')) return RIDER_HEARTBEAT_MAX_BYTES;
  return topic.startsWith('orders/') && topic.endsWith('/receipt') ? ORDER_RECEIPT_MAX_BYTES : undefined;
}

/** Runs for every delivery, retained messages included, so it must stay cheap: it allocates nothing when it allows. */
export function forwardDecision(access: Access | undefined, topic: string): Decision {
  if (!access) return NOT_AUTHENTICATED;
  if (anyGrantMatches(access.subscribe, topic)) return ALLOW;
  return deny(`outside the topics a ${access.role} may receive`);
}
