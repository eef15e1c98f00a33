import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { Aedes } from 'aedes';
import { connect, type MqttClient } from 'mqtt';
import { waitFor } from '@orderpulse/service-kit/testing';
import { createMemoryPersistence } from '../src/create-aedes.js';
import { directDelivery } from '../src/delivery/direct-delivery.js';
import { deliverQueuedFirst } from '../src/sessions/resume-in-order.js';
import { chainPreConnect } from '../src/admission/pre-connect.js';
import { installFastPublish } from '../src/transports/fast-publish.js';
import { serveAedesOverTcp, type PlainAedesServer } from './helpers/plain-aedes-server.js';

type SubscriptionsByTopic = (topic: string) => Promise<unknown[]>;

/**
 * aedes numbers each message when it arrives, but a QoS 1 message first waits for the
 * persistence (the offline queues) and a QoS 0 one does not, so a later QoS 0 message can reach a
 * subscriber first. aedes' own dedupe then dropped the QoS 1 one (moscajs/aedes#994); in CI that
 * lost a rider's report. Here the persistence holds the QoS 1 message's lookup until the QoS 0
 * message has arrived, with the broker's delivery hooks as create-broker.ts chains them.
 */
describe('a message that reaches its subscribers after a later one', () => {
  let aedes: Aedes;
  let served: PlainAedesServer;
  let url: string;
  const clients: MqttClient[] = [];
  const heldTopics = new Set<string>();
  let release: (() => void) | undefined;

  beforeAll(async () => {
    installFastPublish();
    const persistence = createMemoryPersistence() as { subscriptionsByTopic: SubscriptionsByTopic };
    const lookUp = persistence.subscriptionsByTopic.bind(persistence);
    persistence.subscriptionsByTopic = (topic) => {
      if (!heldTopics.has(topic)) return lookUp(topic);
      return new Promise((resolve) => {
        release = () => resolve(lookUp(topic));
      });
    };
    aedes = await Aedes.createBroker({ persistence: persistence as never, preConnect: chainPreConnect(directDelivery(), deliverQueuedFirst()) });
    served = await serveAedesOverTcp(aedes);
    url = served.url;
  });
  afterEach(async () => {
    heldTopics.clear();
    release = undefined;
    await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
  });
  afterAll(async () => {
    await served.close();
  });

  const client = async (clientId: string, clean = true): Promise<MqttClient> => {
    const c = connect(url, { clientId, clean, reconnectPeriod: 0 });
    clients.push(c);
    await once(c, 'connect');
    return c;
  };
  const received = (c: MqttClient) => {
    const got: string[] = [];
    c.on('message', (topic, payload) => got.push(`${topic} ${payload.toString()}`));
    return got;
  };

  /** A QoS 1 message held at the persistence, then a QoS 0 one that overtakes it, then the first let go. */
  const overtake = async (prefix: string, subscriberGot: string[]) => {
    const publisher = await client(`${prefix}-publisher`);
    heldTopics.add(`${prefix}/1/status`);
    const first = publisher.publishAsync(`${prefix}/1/status`, 'picked_up', { qos: 1 });
    await waitFor(() => release, 'the QoS 1 message waiting for the persistence');
    publisher.publish(`${prefix}/2/receipt`, 'seen', { qos: 0 });
    await waitFor(() => subscriberGot.includes(`${prefix}/2/receipt seen`), 'the later QoS 0 message');
    release!();
    await first;
  };

  it('when a clean session subscribes, then it still gets the QoS 1 message', async () => {
    const subscriber = await client('clean-subscriber');
    const got = received(subscriber);
    await subscriber.subscribeAsync('rider/#', { qos: 1 });
    await overtake('rider', got);
    await waitFor(() => got.includes('rider/1/status picked_up'), 'the QoS 1 message after the QoS 0 one');
    expect(got).toEqual(['rider/2/receipt seen', 'rider/1/status picked_up']);
  });

  it('when a persistent session subscribes (aedes’ own QoS 1 path), then it gets the QoS 1 message, and it is not sent again on reconnect', async () => {
    const subscriber = await client('persistent-subscriber', false);
    const got = received(subscriber);
    await subscriber.subscribeAsync('courier/#', { qos: 1 });
    await overtake('courier', got);
    await waitFor(() => got.includes('courier/1/status picked_up'), 'the QoS 1 message after the QoS 0 one');
    expect(got).toEqual(['courier/2/receipt seen', 'courier/1/status picked_up']);

    // Acknowledged, so not left in the session's queue: a marker published after the reconnect
    // is the only thing the session gets.
    await subscriber.endAsync();
    clients.splice(clients.indexOf(subscriber), 1);
    const back = connect(url, { clientId: 'persistent-subscriber', clean: false, reconnectPeriod: 0 });
    clients.push(back);
    const again = received(back);
    await once(back, 'connect');
    await (await client('marker-publisher')).publishAsync('courier/3/status', 'marker', { qos: 1 });
    await waitFor(() => again.includes('courier/3/status marker'), 'the marker');
    expect(again).toEqual(['courier/3/status marker']);
  });

  it('when two of a client’s subscriptions match one message, then it gets one copy, and the next message too', async () => {
    const clean = await client('overlapping-clean');
    const persistent = await client('overlapping-persistent', false);
    const gotClean = received(clean);
    const gotPersistent = received(persistent);
    for (const c of [clean, persistent]) await c.subscribeAsync({ 'shop/#': { qos: 1 }, 'shop/1/status': { qos: 1 } });
    const publisher = await client('overlapping-publisher');
    await publisher.publishAsync('shop/1/status', 'one', { qos: 0 });
    await publisher.publishAsync('shop/1/status', 'two', { qos: 1 });
    await publisher.publishAsync('shop/1/status', 'three', { qos: 1 });
    await waitFor(() => gotClean.includes('shop/1/status three') && gotPersistent.includes('shop/1/status three'), 'the last message at both');
    // Anything extra would have come before the last message's copies were done.
    await publisher.publishAsync('shop/end', 'end', { qos: 1 });
    await waitFor(() => gotClean.includes('shop/end end') && gotPersistent.includes('shop/end end'), 'the end marker at both');
    for (const got of [gotClean, gotPersistent]) expect(got).toEqual(['shop/1/status one', 'shop/1/status two', 'shop/1/status three', 'shop/end end']);
  });
});
