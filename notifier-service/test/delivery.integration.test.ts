import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import { EXCHANGES, topics, type DomainEvent } from '@orderpulse/contracts';
import { createTokenService, DEV_JWT_SECRET } from '@orderpulse/service-kit';
import { deleteAmqpNamespace, nextEvent, testNamespace, waitFor } from '@orderpulse/service-kit/testing';
import { startNotifier, type RunningNotifier } from '../src/service.js';
import { startAedes, type InProcessBroker } from './helpers/aedes-broker.js';
import { AmqpEvents } from './helpers/amqp-events.js';
import { captureLogger, type CapturedLogger } from './helpers/capture-logger.js';
import { anEta, DeliveryTimeline } from './helpers/delivery-events.js';
import { anOrderHistory } from './helpers/events.js';
import { FakeDeliveryService } from './helpers/fake-delivery-service.js';
import { MqttRecorder } from './helpers/mqtt-recorder.js';
import { testNotifierSettings } from './helpers/notifier-settings.js';

const amqpUrl = process.env.AMQP_URL as string;
const ANN = { id: 'rider-ann', name: 'Ann' };
const BOB = { id: 'rider-bob', name: 'Bob' };

/** Real RabbitMQ, a real in-process Aedes, a real HTTP stand-in for delivery-service, the real notifier. */
describe('notifier: RabbitMQ delivery events become tracking, location and rider messages', () => {
  const namespace = testNamespace('notifier-dlv');
  let broker: InProcessBroker;
  let deliveryService: FakeDeliveryService;
  let notifier: RunningNotifier;
  let amqp: AmqpEvents;
  let watcher: MqttRecorder;
  let log: CapturedLogger;

  const acks = new Map<string, number>();
  const ackCount = (event: DomainEvent) => acks.get(event.id) ?? 0;
  const publishAndAwaitAck = async (...events: DomainEvent[]) => {
    for (const event of events) {
      const before = ackCount(event);
      await amqp.publish(event);
      await waitFor(() => ackCount(event) > before, `the ack of ${event.type} v${event.version}`);
    }
  };
  const payloadsOn = (topic: string) => watcher.on(topic).map((m) => m.payload);
  const tracking = (orderId: string) => payloadsOn(topics.orderTracking(orderId));
  const assignments = (riderId: string) => payloadsOn(topics.riderAssignments(riderId));
  /** The statuses in each list published for the rider, lists in the order they arrived. */
  const listsOf = (riderId: string) => assignments(riderId).map((p) => (p.deliveries as Array<{ status: string }>).map((d) => d.status));

  beforeAll(async () => {
    broker = await startAedes();
    deliveryService = await FakeDeliveryService.start();
    log = captureLogger('warn');
    notifier = await startNotifier(
      testNotifierSettings({
        AMQP_NAMESPACE: namespace,
        MQTT_URL: broker.url,
        DELIVERY_URL: deliveryService.url,
        RETRY_DELAY_MS: 50,
        // Generous, so a loaded machine does not turn into retries that the exact counts below would see.
        MQTT_PUBLISH_TIMEOUT_MS: 5_000,
        DELIVERY_TIMEOUT_MS: 5_000,
      }),
      log.logger,
    );
    notifier.consumer.on('acked', (event) => acks.set(event.id, (acks.get(event.id) ?? 0) + 1));
    amqp = await AmqpEvents.connect(amqpUrl, namespace);
    watcher = await MqttRecorder.subscribe(broker.url, [
      'orders/+/tracking',
      'orders/+/location',
      'orders/+/status',
      'riders/+/assignments',
      topics.adminOrders(),
    ]);
  }, 20_000);

  afterAll(async () => {
    await watcher?.close();
    await amqp?.close();
    await notifier?.close();
    await deliveryService?.close();
    await broker?.close();
    await deleteAmqpNamespace(amqpUrl, namespace, ['notifier']);
  }, 20_000);

  it('when a delivery is created, assigned and moves on, then its tracking is retained with the history growing in order, and the admin feed gets each event', async () => {
    const t = new DeliveryTimeline({ orderNumber: 'OP-TRACK01' });
    deliveryService.setAssignments(ANN.id, [t.assignment('assigned')]);
    await publishAndAwaitAck(t.created(), t.assigned(ANN), t.statusChanged('picked_up'), t.statusChanged('in_transit'));

    await waitFor(() => tracking(t.orderId).length === 4, 'four tracking messages');
    expect(tracking(t.orderId).map((p) => [p.version, p.status, (p.history as unknown[]).length])).toEqual([
      [1, 'awaiting_assignment', 1],
      [2, 'assigned', 2],
      [3, 'picked_up', 3],
      [4, 'in_transit', 4],
    ]);
    expect(tracking(t.orderId)[0]).not.toHaveProperty('rider');
    expect(tracking(t.orderId)[3]).toMatchObject({ orderId: t.orderId, deliveryId: t.deliveryId, rider: ANN });
    const feed = payloadsOn(topics.adminOrders()).filter((p) => p.orderId === t.orderId);
    expect(feed.map((p) => [p.type, p.version, p.status, p.orderNumber])).toEqual([
      ['delivery.created', 1, 'awaiting_assignment', 'OP-TRACK01'],
      ['delivery.assigned', 2, 'assigned', 'OP-TRACK01'],
      ['delivery.status_changed', 3, 'picked_up', 'OP-TRACK01'],
      ['delivery.status_changed', 4, 'in_transit', 'OP-TRACK01'],
    ]);

    const late = await MqttRecorder.subscribe(broker.url, [topics.orderTracking(t.orderId)]);
    try {
      const [retained] = await waitFor(() => late.messages.length > 0 && late.messages, 'the retained tracking');
      expect(retained).toMatchObject({ retain: true, payload: { status: 'in_transit', version: 4, rider: ANN } });
    } finally {
      await late.close();
    }
  });

  it('when the rider reports a position, then the location is retained and the tracking is republished with the new ETA and version', async () => {
    const t = new DeliveryTimeline();
    await publishAndAwaitAck(t.created(), t.assigned(ANN), t.statusChanged('picked_up'));
    const fetchesBefore = deliveryService.requestsFor(ANN.id).length;
    const eta = anEta(6); // 1.5 km away: within LOCATION_EXACT_WITHIN_KM, so exact
    const located = t.located({ lat: 51.5, lng: -0.12, heading: 90 }, eta);
    await publishAndAwaitAck(located);

    await waitFor(() => payloadsOn(topics.orderLocation(t.orderId)).length === 1 && tracking(t.orderId).length === 4, 'location and republished tracking');
    expect(payloadsOn(topics.orderLocation(t.orderId))[0]).toEqual({ lat: 51.5, lng: -0.12, heading: 90, at: located.data.at, version: 4, eta });
    expect(tracking(t.orderId)[3]).toMatchObject({ status: 'picked_up', version: 4, eta, rider: ANN });
    expect(tracking(t.orderId)[3]!.history).toEqual(tracking(t.orderId)[2]!.history);
    expect(deliveryService.requestsFor(ANN.id)).toHaveLength(fetchesBefore); // a position changes nobody's list

    const late = await MqttRecorder.subscribe(broker.url, [topics.orderLocation(t.orderId)]);
    try {
      const [retained] = await waitFor(() => late.messages.length > 0 && late.messages, 'the retained location');
      expect(retained).toMatchObject({ retain: true, payload: { lat: 51.5, version: 4 } });
    } finally {
      await late.close();
    }
  });

  it("when a delivery is assigned and moves on, then the rider's list is fetched with the service token and republished each time", async () => {
    const t = new DeliveryTimeline();
    const rider = { id: 'rider-cleo', name: 'Cleo' };
    await publishAndAwaitAck(t.created());
    deliveryService.setAssignments(rider.id, [t.assignment('assigned')]);
    await publishAndAwaitAck(t.assigned(rider));
    deliveryService.setAssignments(rider.id, [t.assignment('picked_up')]);
    await publishAndAwaitAck(t.statusChanged('picked_up'));
    deliveryService.setAssignments(rider.id, []);
    await publishAndAwaitAck(t.statusChanged('delivered'));

    await waitFor(() => assignments(rider.id).length === 3, 'three lists for the rider');
    expect(listsOf(rider.id)).toEqual([['assigned'], ['picked_up'], []]);
    // Delivered: the customer's retained position is removed.
    expect(watcher.cleared).toContain(topics.orderLocation(t.orderId));
    expect(assignments(rider.id)[0]).toMatchObject({ riderId: rider.id, deliveries: [{ deliveryId: t.deliveryId, orderId: t.orderId }] });
    const requests = deliveryService.requestsFor(rider.id);
    expect(requests).toHaveLength(3);
    const [scheme, token] = (requests[0]!.authorization ?? '').split(' ');
    expect(scheme).toBe('Bearer');
    await expect(createTokenService(DEV_JWT_SECRET).verify(token ?? '')).resolves.toMatchObject({ role: 'service', sub: 'notifier' });

    const late = await MqttRecorder.subscribe(broker.url, [topics.riderAssignments(rider.id)]);
    try {
      const [retained] = await waitFor(() => late.messages.length > 0 && late.messages, 'the retained list');
      expect(retained).toMatchObject({ retain: true, payload: { riderId: rider.id, deliveries: [] } });
    } finally {
      await late.close();
    }
  });

  it("when a delivery is reassigned, then both the new rider's list and the previous rider's list are republished", async () => {
    const t = new DeliveryTimeline();
    deliveryService.setAssignments(BOB.id, [t.assignment('assigned')]);
    await publishAndAwaitAck(t.created(), t.assigned(BOB));
    await waitFor(() => assignments(BOB.id).length === 1, "Bob's first list");

    const dave = { id: 'rider-dave', name: 'Dave' };
    deliveryService.setAssignments(BOB.id, []);
    deliveryService.setAssignments(dave.id, [t.assignment('assigned')]);
    await publishAndAwaitAck(t.assigned(dave));

    await waitFor(() => assignments(BOB.id).length === 2 && assignments(dave.id).length === 1, "both riders' lists");
    expect(listsOf(BOB.id)).toEqual([['assigned'], []]);
    expect(listsOf(dave.id)).toEqual([['assigned']]);
    expect(tracking(t.orderId).at(-1)).toMatchObject({ version: 3, rider: dave });
  });

  it("when an order is at version 5, then its delivery's version 1 is still published: versions are compared per aggregate", async () => {
    const order = anOrderHistory(5, 'OP-KEYED001');
    const orderId = order[0].orderId;
    await publishAndAwaitAck(...order);
    const t = new DeliveryTimeline({ orderId, orderNumber: 'OP-KEYED001' });
    await publishAndAwaitAck(t.created());

    await waitFor(() => tracking(orderId).length === 1, "the delivery's tracking");
    expect(tracking(orderId)[0]).toMatchObject({ deliveryId: t.deliveryId, version: 1, status: 'awaiting_assignment' });
    expect(payloadsOn(topics.orderStatus(orderId)).map((p) => p.version)).toEqual([1, 2, 3, 4, 5]);
    // The feed message is published next to the tracking one; its PUBACK, not its arrival here, gates the ack.
    await waitFor(() => payloadsOn(topics.adminOrders()).filter((p) => p.orderId === orderId).length === 6, 'six admin feed messages');
    expect(
      payloadsOn(topics.adminOrders())
        .filter((p) => p.orderId === orderId)
        .map((p) => [p.type, p.version]),
    ).toEqual([['order.created', 1], ...[2, 3, 4, 5].map((v) => ['order.status_changed', v]), ['delivery.created', 1]]);
  });

  it('when a delivery event comes again, or an older version of the delivery arrives, then it is acked without being republished', async () => {
    const t = new DeliveryTimeline();
    const created = t.created();
    const assigned = t.assigned(ANN);
    deliveryService.setAssignments(ANN.id, [t.assignment('assigned')]);
    await publishAndAwaitAck(created, assigned);
    const fetches = deliveryService.requestsFor(ANN.id).length;

    await publishAndAwaitAck(assigned); // same id: a redelivery or an outbox republish
    await publishAndAwaitAck({ ...created, id: '2b8e1d5c-0f3a-4c6b-9d7e-8f9a0b1c2d3e' }); // new id, stale version
    const pickedUp = t.statusChanged('picked_up');
    await publishAndAwaitAck(pickedUp);

    await waitFor(() => tracking(t.orderId).some((p) => p.version === 3), 'version 3 of the tracking');
    expect(tracking(t.orderId).map((p) => p.version)).toEqual([1, 2, 3]);
    expect(
      payloadsOn(topics.adminOrders())
        .filter((p) => p.orderId === t.orderId)
        .map((p) => p.version),
    ).toEqual([1, 2, 3]);
    expect(deliveryService.requestsFor(ANN.id)).toHaveLength(fetches + 1); // only for version 3
  });

  it("when delivery-service cannot give the rider's list, then the event is requeued, and published once it answers", async () => {
    const t = new DeliveryTimeline();
    const rider = { id: 'rider-eve', name: 'Eve' };
    await publishAndAwaitAck(t.created());
    deliveryService.setAssignments(rider.id, [t.assignment('assigned')]);
    deliveryService.setDown(true);
    const assigned = t.assigned(rider);
    const requeued = nextEvent<[DomainEvent, Error]>(notifier.consumer, 'requeued', 10_000, (event) => event.id === assigned.id);
    await amqp.publish(assigned);
    const [, error] = await requeued;
    expect(error.message).toMatch(/answered GET .*\/riders\/rider-eve\/assignments with 503/);
    expect(ackCount(assigned)).toBe(0);
    expect(assignments(rider.id)).toHaveLength(0);

    deliveryService.setDown(false);
    await waitFor(() => ackCount(assigned) === 1, 'the redelivered event to be acked');
    await waitFor(() => assignments(rider.id).length === 1, "the rider's list");
    expect(listsOf(rider.id)).toEqual([['assigned']]);
    expect(tracking(t.orderId).at(-1)).toMatchObject({ version: 2, rider });
    expect(log.lines).toContainEqual(expect.objectContaining({ msg: 'handler failed; message will be redelivered', eventId: assigned.id, orderId: t.orderId }));
  });

  it('when a delivery message fails the schema, then it is dead-lettered and the delivery stream goes on', async () => {
    const dead = nextEvent<[string, string]>(notifier.consumer, 'dead-lettered');
    await amqp.publishRaw(
      'delivery.location_updated',
      JSON.stringify({ ...new DeliveryTimeline().located({ lat: 200, lng: 0 }) }),
      undefined,
      EXCHANGES.delivery,
    );
    const [reason] = await dead;
    expect(reason).toMatch(/^failed validation: .*lat/);

    const t = new DeliveryTimeline();
    await publishAndAwaitAck(t.created());
    await waitFor(() => tracking(t.orderId).length === 1, "the next delivery's tracking");
  });
});
