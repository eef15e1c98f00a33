import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import { topics } from '@orderpulse/contracts';
import { waitFor } from '@orderpulse/service-kit/testing';
import { captureLogger, type CapturedLogger } from './helpers/capture-logger.js';
import { connectAs, endAll, grantedQos as grantedOf, type RecordingClient } from './helpers/mqtt-clients.js';
import { IDS, type Persona } from './helpers/personas.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';

const { orderA, orderB, riderX, riderY } = IDS;

/** Retained state as the notifier leaves it: one message per topic. */
const RETAINED: Record<string, string> = {
  [topics.orderStatus(orderA)]: 'A status',
  [topics.orderTracking(orderA)]: 'A tracking',
  [topics.orderStatus(orderB)]: 'B status',
  [topics.riderAssignments(riderX)]: 'X assignments',
  [topics.riderAssignments(riderY)]: 'Y assignments',
};

const payloads = (client: RecordingClient) => client.messages.map((m) => m.payload);

describe('retained messages reach only those who may read them', () => {
  let broker: TestBroker;
  let log: CapturedLogger;
  let notifier: RecordingClient;
  const clients: RecordingClient[] = [];
  const connect = async (persona: Persona, clientId: string) => {
    const client = await connectAs(broker.tcpUrl, persona, { clientId });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    log = captureLogger('warn');
    broker = await startTestBroker(log.logger);
    notifier = await connect('notifier', 'notifier');
    for (const [topic, payload] of Object.entries(RETAINED)) await notifier.client.publishAsync(topic, payload, { qos: 1, retain: true });
  });
  afterAll(async () => {
    await endAll(clients);
    await broker.close();
  });

  it("when customer B asks for order A's status, then SUBACK 128 refuses it and only B's own retained status arrives", async () => {
    const b = await connect('customerB', 'b');
    expect(await grantedOf(b, topics.orderStatus(orderA))).toBe(128);
    expect(await grantedOf(b, topics.orderStatus(orderB))).toBe(1);
    await waitFor(() => b.messages.length > 0, "B's retained status");

    // A live change to A, then one to B: B sees only its own, in order.
    await notifier.client.publishAsync(topics.orderStatus(orderA), 'A live', { qos: 1 });
    await notifier.client.publishAsync(topics.orderStatus(orderB), 'B live', { qos: 1 });
    await waitFor(() => b.messages.length >= 2, "B's live status");
    expect(b.messages).toEqual([
      { topic: topics.orderStatus(orderB), payload: 'B status', qos: 1, retain: true },
      { topic: topics.orderStatus(orderB), payload: 'B live', qos: 1, retain: false },
    ]);
    expect(b.client.connected).toBe(true);
  });

  it.each(['#', 'orders/#', 'orders/+/status', `orders/${orderA}/+`, 'riders/#', 'riders/+/assignments', '+/+/status'])(
    'when rider X subscribes through the wildcard %s, then SUBACK 128 refuses it',
    async (filter) => {
      const x = await connect('riderX', `x-${filter}`);
      expect(await grantedOf(x, filter)).toBe(128);
      expect(x.client.connected).toBe(true);
    },
  );

  it('when rider X then subscribes to its own subtree, then it gets its own retained assignments and nothing of order A or rider Y', async () => {
    const x = await connect('riderX', 'x-own');
    for (const filter of ['#', 'orders/#', 'riders/#']) expect(await grantedOf(x, filter)).toBe(128);
    expect(await grantedOf(x, `riders/${riderX}/#`)).toBe(1);
    // Its own presence, retained by the broker when X connected, is X's to read; it is left out of the list below.
    const assignmentsOfX = () => x.messages.filter((m) => m.topic !== topics.riderPresence(riderX)).map((m) => m.payload);
    await waitFor(() => assignmentsOfX().length > 0, "X's retained assignments");
    await notifier.client.publishAsync(topics.orderStatus(orderA), 'A live again', { qos: 1 });
    await notifier.client.publishAsync(topics.riderAssignments(riderY), 'Y live', { qos: 1 });
    await notifier.client.publishAsync(topics.riderAssignments(riderX), 'X live', { qos: 1 });
    await waitFor(() => assignmentsOfX().length >= 2, "X's live assignments");
    expect(assignmentsOfX()).toEqual(['X assignments', 'X live']);
    expect(x.messages.every((m) => m.topic.startsWith(`riders/${riderX}/`))).toBe(true);
  });

  it('when customer A subscribes to its own topics, then its retained status and tracking arrive at once (live updates were not retained)', async () => {
    const a = await connect('customerA', 'a');
    expect(await grantedOf(a, topics.orderStatus(orderA))).toBe(1);
    expect(await grantedOf(a, topics.orderTracking(orderA))).toBe(1);
    await waitFor(() => a.messages.length >= 2, "A's retained messages");
    expect(a.messages.every((m) => m.retain)).toBe(true);
    expect(payloads(a).sort()).toEqual(['A status', 'A tracking']);
  });

  it('when an admin subscribes to orders/#, then the same retained messages do arrive through the wildcard (control)', async () => {
    const admin = await connect('admin', 'admin');
    expect(await grantedOf(admin, 'orders/#')).toBe(1);
    await waitFor(() => admin.messages.length >= 3, 'every retained order message');
    expect(admin.messages.map((m) => m.topic).sort()).toEqual([topics.orderStatus(orderA), topics.orderStatus(orderB), topics.orderTracking(orderA)].sort());
  });

  it('then no delivery ever had to be withheld: the subscribe rules alone kept everything in place', () => {
    expect(log.lines.filter((l) => l.msg === 'delivery withheld')).toEqual([]);
  });
});
