import { describe, it, expect } from '@jest/globals';
import { topics, type TokenClaims } from '@orderpulse/contracts';
import { accessFor, forwardDecision, publishDecision, subscribeDecision } from '../src/auth/topic-rules.js';
import { CLAIMS, IDS } from './helpers/personas.js';

const { orderA, orderB, riderX, riderY } = IDS;
const access = (claims: TokenClaims) => accessFor(claims);
const may = {
  subscribe: (claims: TokenClaims, filter: string) => subscribeDecision(access(claims), filter).allow,
  publish: (claims: TokenClaims, topic: string) => publishDecision(access(claims), topic).allow,
  receive: (claims: TokenClaims, topic: string) => forwardDecision(access(claims), topic).allow,
};
const reasonOf = (decision: ReturnType<typeof subscribeDecision>) => (decision.allow ? 'allowed' : decision.reason);

describe('topic rules: customers', () => {
  const a = CLAIMS.customerA;

  it('when a customer subscribes to its own order topics, built by the contract, then it is allowed', () => {
    expect([topics.orderStatus(orderA), topics.orderTracking(orderA), topics.orderLocation(orderA)].map((t) => may.subscribe(a, t))).toEqual([
      true,
      true,
      true,
    ]);
  });

  it.each([`orders/${orderB}/status`, `orders/${orderA}/other`, `orders/${orderA}`, 'admin/orders', `riders/${riderX}/location`])(
    'when a customer subscribes to %s, then it is refused',
    (filter) => {
      expect(may.subscribe(a, filter)).toBe(false);
    },
  );

  it.each([`orders/${orderA}/+`, `orders/${orderA}/#`, 'orders/+/status', '#'])(
    'when a customer uses the wildcard filter %s, then it is refused as a wildcard',
    (filter) => {
      expect(reasonOf(subscribeDecision(access(a), filter))).toBe('customers may not use wildcards');
    },
  );

  it('when a customer publishes anywhere, even on its own order, then it is refused', () => {
    expect([topics.orderStatus(orderA), topics.orderLocation(orderA), 'admin/orders'].map((t) => may.publish(a, t))).toEqual([false, false, false]);
  });

  it('when a message on another order is delivered, then the customer may not receive it, while its own arrives', () => {
    expect(may.receive(a, topics.orderStatus(orderB))).toBe(false);
    expect(may.receive(a, topics.orderStatus(orderA))).toBe(true);
  });
});

describe('topic rules: riders', () => {
  const x = CLAIMS.riderX;

  it.each([`riders/${riderX}/#`, `riders/${riderX}/assignments`, `riders/${riderX}/+`, `riders/${riderX}/deliveries/+/status`, `riders/${riderX}`])(
    'when a rider subscribes inside its own subtree (%s), then it is allowed',
    (filter) => {
      expect(may.subscribe(x, filter)).toBe(true);
    },
  );

  it.each([`riders/${riderY}/assignments`, 'riders/+/location', 'riders/#', '#', 'orders/#', `orders/${orderA}/status`, '$SYS/#'])(
    'when a rider subscribes to %s, outside its subtree, then it is refused',
    (filter) => {
      expect(may.subscribe(x, filter)).toBe(false);
    },
  );

  it('when a rider publishes its delivery status or location, built by the contract, then it is allowed', () => {
    expect(may.publish(x, topics.riderDeliveryStatus(riderX, 'any-delivery'))).toBe(true);
    expect(may.publish(x, topics.riderLocation(riderX))).toBe(true);
  });

  it.each([
    topics.riderAssignments(riderX),
    topics.riderLocation(riderY),
    topics.riderDeliveryStatus(riderY, 'd1'),
    `riders/${riderX}/deliveries/d1/status/extra`,
    `riders/${riderX}/deliveries/d1`,
    topics.orderStatus(orderA),
  ])('when a rider publishes to %s, then it is refused', (topic) => {
    expect(may.publish(x, topic)).toBe(false);
  });
});

describe('topic rules: admins', () => {
  const admin = CLAIMS.admin;

  it.each(['orders/#', 'admin/#', 'riders/#', '$SYS/#', 'orders/+/status', `riders/${riderY}/location`, '$SYS/+/heartbeat'])(
    'when an admin subscribes to %s, then it is allowed',
    (filter) => {
      expect(may.subscribe(admin, filter)).toBe(true);
    },
  );

  it.each(['#', '+/orders', 'other/topic'])('when an admin subscribes to %s, beyond its namespaces, then it is refused', (filter) => {
    expect(may.subscribe(admin, filter)).toBe(false);
  });

  it('when an admin publishes, then it is refused (changes go through the HTTP API)', () => {
    expect(may.publish(admin, topics.orderStatus(orderA))).toBe(false);
    expect(may.publish(admin, topics.adminOrders())).toBe(false);
  });
});

describe('topic rules: services', () => {
  const { notifier, deliveryService } = CLAIMS;

  it('when the notifier publishes any order, admin or assignment topic the contract builds, then it is allowed', () => {
    const built = [
      topics.orderStatus(orderA),
      topics.orderTracking(orderA),
      topics.orderLocation(orderA),
      topics.adminOrders(),
      topics.riderAssignments(riderX),
    ];
    expect(built.map((t) => may.publish(notifier, t))).toEqual(built.map(() => true));
  });

  it('when the notifier publishes what riders own, then it is refused', () => {
    expect(may.publish(notifier, topics.riderLocation(riderX))).toBe(false);
    expect(may.publish(notifier, topics.riderDeliveryStatus(riderX, 'd1'))).toBe(false);
  });

  it('when delivery-service subscribes to every rider report and every hop receipt, then it is allowed, and nothing else is', () => {
    expect(may.subscribe(deliveryService, 'riders/+/deliveries/+/status')).toBe(true);
    expect(may.subscribe(deliveryService, 'riders/+/location')).toBe(true);
    expect(may.subscribe(deliveryService, 'admin/receipts/+')).toBe(true);
    expect(may.subscribe(deliveryService, 'admin/orders')).toBe(false);
    expect(may.subscribe(deliveryService, 'admin/#')).toBe(false);
    expect(may.publish(deliveryService, topics.adminReceipts(orderA))).toBe(false);
    expect(may.subscribe(deliveryService, 'riders/#')).toBe(false);
    expect(may.subscribe(deliveryService, 'riders/+/assignments')).toBe(false);
    expect(may.publish(deliveryService, topics.riderAssignments(riderX))).toBe(false);
  });

  it('when orders-service connects, then it may do nothing over MQTT', () => {
    const ordersService: TokenClaims = { role: 'service', sub: 'orders-service' };
    expect(may.subscribe(ordersService, 'orders/#')).toBe(false);
    expect(may.publish(ordersService, topics.orderStatus(orderA))).toBe(false);
  });
});

describe('topic rules: for everyone', () => {
  const everyone = Object.values(CLAIMS);

  it.each(['$SYS/broker/x', '$SYS', '$share/x'])('when anyone publishes to %s, then it is refused as reserved', (topic) => {
    for (const claims of everyone) expect(reasonOf(publishDecision(access(claims), topic))).toMatch(/reserved/);
  });

  it('when anyone but an admin subscribes to $SYS, then it is refused', () => {
    expect(everyone.filter((claims) => may.subscribe(claims, '$SYS/#')).map((c) => c.role)).toEqual(['admin']);
  });

  it('when a filter or topic is malformed, then it is refused, even for broad grants', () => {
    expect(reasonOf(subscribeDecision(access(CLAIMS.admin), 'orders/#/x'))).toBe('not a valid topic filter');
    expect(reasonOf(publishDecision(access(CLAIMS.notifier), 'orders/+/status'))).toBe('not a valid topic name');
  });

  it('when there is no authenticated client (a will after its client is gone), then everything is refused', () => {
    expect(publishDecision(undefined, topics.orderStatus(orderA)).allow).toBe(false);
    expect(subscribeDecision(undefined, topics.orderStatus(orderA)).allow).toBe(false);
    expect(forwardDecision(undefined, topics.orderStatus(orderA)).allow).toBe(false);
  });

  it('when a refusal is explained, then the reason names the role', () => {
    expect(reasonOf(subscribeDecision(access(CLAIMS.riderX), 'orders/#'))).toBe('outside the topics a rider may subscribe to');
  });
});
