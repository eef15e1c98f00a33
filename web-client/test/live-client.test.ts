import { EventEmitter } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import { BROWSER_KEEPALIVE_SECONDS, orderStatusMessageSchema, topics } from '@orderpulse/contracts';
import { subscribeQosFor } from '../src/apps/shared/live-connection.js';
import { LiveClient, type ConnectionState, type MqttClientLike } from '../src/apps/shared/mqtt-live-client.js';
import { aStatusMessage, encode } from './support/factories.js';

/** Stands in for mqtt.js: records calls and lets the test play the broker. */
class FakeMqtt extends EventEmitter implements MqttClientLike {
  readonly subscribed: { topic: string; qos: number }[] = [];
  readonly unsubscribed: string[] = [];
  grantQos = 1;
  subscribe(topic: string, options: { qos: 0 | 1 }, callback: (error: Error | null, granted?: { topic: string; qos: number }[]) => void) {
    this.subscribed.push({ topic, qos: options.qos });
    callback(null, [{ topic, qos: this.grantQos }]);
  }
  unsubscribe(topic: string) {
    this.unsubscribed.push(topic);
  }
  readonly published: { topic: string; message: string; qos: number; retain: boolean }[] = [];
  publishError: Error | undefined;
  publish(topic: string, message: string, options: { qos: 1; retain: false }, callback: (error?: Error) => void) {
    this.published.push({ topic, message, ...options });
    callback(this.publishError);
  }
  ended = 0;
  end(_force: boolean, _options: object, callback: () => void) {
    this.ended += 1;
    this.emit('end');
    callback();
  }
  reconnects = 0;
  reconnect() {
    this.reconnects += 1;
  }
}

/** A network the test switches off and on, as the browser's `offline`/`online` events would. */
class FakeNetwork {
  online = true;
  private listener: ((online: boolean) => void) | undefined;
  readonly status = { isOnline: () => this.online, onChange: (listener: (online: boolean) => void) => void (this.listener = listener) };
  set(online: boolean) {
    this.online = online;
    this.listener?.(online);
  }
}

function setup(options: { network?: FakeNetwork; subscribeQos?: 0 | 1 } = {}) {
  const fake = new FakeMqtt();
  let seenOptions: Record<string, unknown> = {};
  const client = new LiveClient({
    url: 'ws://broker.test/mqtt',
    clientIdPrefix: 'track',
    username: 'customer',
    password: 'secret',
    connect: (_url, opts) => {
      seenOptions = opts as Record<string, unknown>;
      return fake;
    },
    network: (options.network ?? new FakeNetwork()).status,
    ...(options.subscribeQos !== undefined && { subscribeQos: options.subscribeQos }),
  });
  const states: ConnectionState[] = [];
  client.on('state', (s) => states.push(s));
  return { fake, client, states, options: () => seenOptions };
}

const ORDER = '3f1c8a52-9a7e-4a31-9a55-2d6b1f1e8c11';
const TOPIC = topics.orderStatus(ORDER);

describe('LiveClient', () => {
  it('when created, then it connects with the credentials, a prefixed client id and a clean session', () => {
    const { options, client } = setup();
    expect(client.state).toBe('connecting');
    expect(options()).toMatchObject({ username: 'customer', password: 'secret', clean: true, resubscribe: true, protocolVersion: 4 });
    // The keepalive the benchmarks' simulated pages use too (what pages cost the broker when idle).
    expect(options().keepalive).toBe(BROWSER_KEEPALIVE_SECONDS);
    expect(String(options().clientId)).toMatch(/^track-[a-z0-9]+$/);
  });

  it('when the URL is not a WebSocket URL, then it refuses to start', () => {
    expect(() => new LiveClient({ url: 'mqtt://broker.test:1883', clientIdPrefix: 'x', connect: () => new FakeMqtt() })).toThrow(/ws:\/\//);
  });

  it('when the connection comes, drops and comes back, then the state goes connecting → live → reconnecting → live', () => {
    const { fake, states } = setup();
    fake.emit('connect');
    fake.emit('close');
    fake.emit('offline');
    fake.emit('reconnect');
    fake.emit('connect');
    expect(states).toEqual(['live', 'reconnecting', 'live']);
  });

  it('when the device has no network, then a drop reads as offline', () => {
    const network = new FakeNetwork();
    const { fake, states } = setup({ network });
    fake.emit('connect');
    network.online = false;
    fake.emit('close');
    expect(states).toEqual(['live', 'offline']);
  });

  it('when the device goes offline with the connection still open, then it is dropped at once, and when the network is back it reconnects', () => {
    const network = new FakeNetwork();
    const { fake, states } = setup({ network });
    fake.emit('connect');
    network.set(false);
    expect(fake.ended).toBe(1);
    expect(states).toEqual(['live', 'offline']);
    fake.emit('close');
    network.set(false);
    expect(fake.ended).toBe(1);
    expect(fake.reconnects).toBe(0);

    network.set(true);
    expect(fake.reconnects).toBe(1);
    fake.emit('connect');
    expect(states).toEqual(['live', 'offline', 'reconnecting', 'live']);
  });

  it('when the page starts without a network, then it does not try to connect until the network is back', () => {
    const network = new FakeNetwork();
    network.online = false;
    const { fake, client, states } = setup({ network });
    expect(fake.ended).toBe(1);
    expect(client.state).toBe('offline');
    network.set(true);
    expect(fake.reconnects).toBe(1);
    expect(states).toEqual(['connecting']);
  });

  it('when the broker refuses the credentials, then the state is offline and a refusal is reported', () => {
    const { fake, client, states } = setup();
    const refusals: string[] = [];
    client.on('refused', (reason) => refusals.push(reason));
    fake.emit('error', Object.assign(new Error('Connection refused: Not authorized'), { code: 5 }));
    fake.emit('close');
    expect(states).toEqual(['offline']);
    expect(refusals).toEqual(['Connection refused: Not authorized']);
  });

  it('when subscribing, then it asks for QoS 1 and reports a refused subscription', () => {
    const { fake, client } = setup();
    const denied: string[] = [];
    client.on('denied', (topic) => denied.push(topic));
    fake.grantQos = 0x80;
    client.subscribe({ topic: TOPIC, schema: orderStatusMessageSchema, onMessage: () => undefined });
    expect(fake.subscribed).toEqual([{ topic: TOPIC, qos: 1 }]);
    expect(denied).toEqual([TOPIC]);
  });

  it('when the pages open their connection, then the admin console subscribes at QoS 0 and the customer and rider pages at QoS 1', () => {
    expect(subscribeQosFor('admin')).toBe(0);
    expect(subscribeQosFor('customer')).toBe(1);
    expect(subscribeQosFor('rider')).toBe(1);
  });

  it('when told to subscribe at QoS 0 (the admin console), then every subscription asks for QoS 0', () => {
    const { fake, client } = setup({ subscribeQos: 0 });
    client.subscribe({ topic: TOPIC, schema: orderStatusMessageSchema, onMessage: () => undefined });
    client.subscribe({ topic: 'admin/orders', schema: orderStatusMessageSchema, onMessage: () => undefined });
    expect(fake.subscribed).toEqual([
      { topic: TOPIC, qos: 0 },
      { topic: 'admin/orders', qos: 0 },
    ]);
  });

  it('when versions arrive out of order or twice, then only newer ones are delivered', () => {
    const { fake, client } = setup();
    const delivered: number[] = [];
    const stale: [number, number][] = [];
    client.on('stale', (_topic, version, latest) => stale.push([version, latest]));
    client.subscribe({ topic: TOPIC, schema: orderStatusMessageSchema, onMessage: (m) => delivered.push(m.version) });
    for (const version of [2, 3, 1, 3, 5]) fake.emit('message', TOPIC, encode(aStatusMessage({ orderId: ORDER, version })));
    expect(delivered).toEqual([2, 3, 5]);
    expect(stale).toEqual([
      [1, 3],
      [3, 3],
    ]);
  });

  it('when versions come on different topics of a wildcard subscription, then each topic is ordered on its own', () => {
    const { fake, client } = setup();
    const delivered: string[] = [];
    client.subscribe({ topic: 'orders/+/status', schema: orderStatusMessageSchema, onMessage: (m, topic) => delivered.push(`${topic}@${m.version}`) });
    const other = '9b2e4f10-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
    fake.emit('message', TOPIC, encode(aStatusMessage({ orderId: ORDER, version: 4 })));
    fake.emit('message', topics.orderStatus(other), encode(aStatusMessage({ orderId: other, version: 1 })));
    fake.emit('message', 'orders/x/tracking', encode(aStatusMessage({ version: 9 })));
    expect(delivered).toEqual([`${TOPIC}@4`, `orders/${other}/status@1`]);
  });

  it.each([
    ['not JSON', new TextEncoder().encode('{nope'), /not UTF-8 JSON/],
    ['the wrong shape', encode({ orderId: ORDER, status: 'teleported', version: 1 }), /failed validation/],
    ['too big', encode({ pad: 'x'.repeat(70_000) }), /exceeds/],
  ])('when a payload is %s, then it is reported and nothing is delivered', (_what, payload, reason) => {
    const { fake, client } = setup();
    const invalid: string[] = [];
    const delivered: unknown[] = [];
    client.on('invalid', (_topic, why) => invalid.push(why));
    client.subscribe({ topic: TOPIC, schema: orderStatusMessageSchema, onMessage: (m) => delivered.push(m) });
    fake.emit('message', TOPIC, payload);
    expect(delivered).toEqual([]);
    expect(invalid).toEqual([expect.stringMatching(reason)]);
  });

  it('when an empty message comes (retained state removed), then onCleared hears of it, and without onCleared it is invalid', () => {
    const { fake, client } = setup();
    const invalid: string[] = [];
    const cleared: string[] = [];
    client.on('invalid', (topic) => invalid.push(topic));
    client.subscribe({ topic: TOPIC, schema: orderStatusMessageSchema, onMessage: () => undefined, onCleared: (topic) => cleared.push(topic) });
    fake.emit('message', TOPIC, new Uint8Array(0));
    expect(cleared).toEqual([TOPIC]);
    expect(invalid).toEqual([]);
    const other = setup();
    other.client.on('invalid', (topic) => invalid.push(topic));
    other.client.subscribe({ topic: TOPIC, schema: orderStatusMessageSchema, onMessage: () => undefined });
    other.fake.emit('message', TOPIC, new Uint8Array(0));
    expect(invalid).toEqual([TOPIC]);
  });

  it('when the last subscription to a topic goes, then the broker subscription goes too', () => {
    const { fake, client } = setup();
    const first = client.subscribe({ topic: TOPIC, schema: orderStatusMessageSchema, onMessage: () => undefined });
    const second = client.subscribe({ topic: TOPIC, schema: orderStatusMessageSchema, onMessage: () => undefined });
    first();
    expect(fake.unsubscribed).toEqual([]);
    second();
    expect(fake.unsubscribed).toEqual([TOPIC]);
  });

  it('when publishing, then the message goes as JSON at QoS 1, not retained, and a failure rejects', async () => {
    const { fake, client } = setup();
    await client.publish('riders/r-1/location', { lat: 1, lng: 2 });
    expect(fake.published).toEqual([{ topic: 'riders/r-1/location', message: '{"lat":1,"lng":2}', qos: 1, retain: false }]);
    fake.publishError = new Error('not authorized');
    await expect(client.publish('riders/r-1/location', {})).rejects.toThrow('not authorized');
  });

  it('when closed, then the state is offline and stays so', async () => {
    const { fake, client, states } = setup();
    fake.emit('connect');
    await client.close();
    fake.emit('close');
    expect(states).toEqual(['live', 'offline']);
  });
});
