import type { Writable } from 'node:stream';
import type { PreConnectHook } from '../admission/pre-connect.js';
import { encodePublish, writeEncoded } from '../transports/fast-publish.js';
import { holdReceipt, isHeldReceipt, writeHeld } from './held-receipts.js';

/** A message as aedes hands it to a subscription's delivery function (an aedes-packet Packet). */
export interface DeliveredPacket {
  topic: string;
  payload: unknown;
  qos: number;
  retain?: boolean;
  dup?: boolean;
  messageId?: number;
  clientId?: string;
  nl?: boolean;
  brokerId?: string;
  brokerCounter?: number;
}
type Done = () => void;
type Deliver = (packet: DeliveredPacket, done: Done) => void;

/** The parts of an aedes 1.x Client this module reads and replaces. */
interface DeliveringClient {
  id: string | null;
  clean: boolean;
  conn: Writable;
  connecting: boolean;
  connected: boolean;
  errored: boolean;
  duplicates: Record<string, number>;
  subscriptions: Record<string, { qos?: number } | undefined>;
  _nextId: number;
  broker: { authorizeForward(client: unknown, packet: DeliveredPacket): DeliveredPacket | null | undefined };
  deliver0: Deliver;
  deliverQoS: Deliver;
  waitForDrain(done: (err?: Error | null) => void): void;
  _onError(err?: Error | null): void;
  /** The last message delivered to this client (see firstSight); set when the hook is installed, so the shape stays. */
  [LAST_DELIVERED]?: { brokerId: string; counter: number };
}

const LAST_DELIVERED = Symbol('orderpulse.lastDelivered');

export const DIRECT_DELIVERY = Symbol('orderpulse.directDelivery');

/**
 * aedes delivers every message to every subscriber through per-client closures (`deliver0`,
 * `deliverQoS`) that copy the packet once more and take two `setImmediate` hops: one before the
 * write and one after it to tell mqemitter the delivery is done. At 10,000 deliveries a second
 * those hops, copies and aedes' `write` wrapper are a tenth of the broker's CPU. This replaces
 * both closures with ones that do the same checks in the same order (MQTT 5 no-local, one copy
 * per message (see firstSight: not aedes' rule, which lost messages), our authorizeForward, QoS
 * downgrade to the subscription's, message ids from the client's counter) and write the encoded
 * PUBLISH at once; mqemitter's callbacks of a
 * whole event-loop turn are then called from one `setImmediate`. A full socket still waits
 * for 'drain' under aedes' drain timeout.
 *
 * QoS 1/2 deliveries to persistent sessions keep aedes' own path: they are stored as in flight
 * before they are written. A client object without the aedes 1.x fields this relies on is left
 * as it is (broker/test/direct-delivery.test.ts checks they are there).
 */
export function directDelivery(): PreConnectHook {
  return (client, _packet, done) => {
    installDirectDelivery(client as unknown as DeliveringClient);
    done(null, true);
  };
}

export function installDirectDelivery(client: DeliveringClient): boolean {
  if (!hasDeliveryFields(client)) return false;
  client[LAST_DELIVERED] = { brokerId: '', counter: 0 };
  const aedesDeliverQoS = client.deliverQoS;
  client.deliver0 = (packet, done) => {
    const toForward = forwardable(client, packet);
    if (!toForward) return later(done);
    send(client, toForward, 0, undefined, done);
  };
  client.deliverQoS = (packet, done) => {
    if (packet.qos === 0) return client.deliver0(packet, done);
    if (!client.clean && !packet.retain) {
      // aedes' path, with our decision on duplicates: its own record is set so that it agrees.
      if (packet.brokerId) client.duplicates[packet.brokerId] = (packet.brokerCounter ?? 0) - (firstSight(client, packet) ? 1 : 0);
      return aedesDeliverQoS(packet, done);
    }
    const toForward = forwardable(client, packet);
    if (!toForward) return later(done);
    let qos = toForward.qos;
    const subscription = client.subscriptions[toForward.topic];
    if (subscription && (subscription.qos ?? 0) < qos) qos = subscription.qos ?? 0;
    // As aedes' QoSPacket: a message id of its own only when the packet has none (0 is none).
    const id = toForward.messageId !== undefined && toForward.messageId > 0 ? toForward.messageId : nextMessageId(client);
    send(client, toForward, qos, qos > 0 ? id : undefined, done);
  };
  (client as DeliveringClient & { [DIRECT_DELIVERY]?: true })[DIRECT_DELIVERY] = true;
  return true;
}

function hasDeliveryFields(client: DeliveringClient): boolean {
  return (
    typeof client.deliver0 === 'function' &&
    typeof client.deliverQoS === 'function' &&
    typeof client.waitForDrain === 'function' &&
    typeof client._onError === 'function' &&
    typeof client._nextId === 'number' &&
    typeof client.duplicates === 'object' &&
    client.duplicates !== null &&
    typeof client.subscriptions === 'object' &&
    typeof client.broker?.authorizeForward === 'function'
  );
}

/** aedes' getToForwardPacket: no-local, then duplicates, then the authorizeForward hook. */
function forwardable(client: DeliveringClient, packet: DeliveredPacket): DeliveredPacket | null | undefined {
  if (packet.nl && packet.clientId === client.id) return undefined;
  if (!firstSight(client, packet)) return undefined;
  return client.broker.authorizeForward(client, packet);
}

/**
 * False for the second copy of a message a client gets because two of its subscriptions match it
 * (`orders/#` and `orders/1/status`): it is sent once. Both copies come from one mqemitter emit,
 * which calls every matching subscription in one loop, so a duplicate is the same message as the
 * last one this client was given.
 *
 * aedes instead drops every message whose broker counter is not above the highest it has delivered
 * to the client. Counters are taken when a message arrives, but a QoS 1/2 message first waits for
 * the persistence (its offline queues) and a QoS 0 one does not, so messages reach subscribers out
 * of counter order, and that rule dropped real ones (moscajs/aedes#994, #955). Here it lost a
 * rider's QoS 1 report: delivery-service got a hop receipt (QoS 0) published a moment later first.
 */
function firstSight(client: DeliveringClient, packet: DeliveredPacket): boolean {
  const id = packet.brokerId;
  if (!id) return true;
  const counter = packet.brokerCounter ?? 0;
  const last = client[LAST_DELIVERED]!;
  if (last.counter === counter && last.brokerId === id) return false;
  last.brokerId = id;
  last.counter = counter;
  return true;
}

/** As aedes' QoSPacket: 1…65535, wrapping. */
function nextMessageId(client: DeliveringClient): number {
  const id = client._nextId;
  client._nextId = id >= 65_535 ? 1 : id + 1;
  return id;
}

function send(client: DeliveringClient, packet: DeliveredPacket, qos: number, messageId: number | undefined, done: Done): void {
  if (!client.connecting && !client.connected) return later(done);
  const bytes = encodePublish({ topic: packet.topic, payload: packet.payload, qos, retain: packet.retain ?? false, dup: packet.dup ?? false, messageId });
  if (bytes === undefined) {
    // What aedes does when mqtt-packet cannot encode a message for a client.
    client._onError(new Error('packet received not valid'));
    return later(done);
  }
  if (isHeldReceipt(client.conn, packet.topic, qos)) {
    holdReceipt(client.conn, bytes);
    return later(done);
  }
  writeHeld(client.conn);
  if (writeEncoded(client.conn, bytes) || client.errored) return later(done);
  client.waitForDrain((err) => {
    if (err) client._onError(err);
    done();
  });
}

let pending: Done[] = [];

/** mqemitter's callbacks run after the current turn, all from one setImmediate, as aedes' did one each. */
function later(done: Done): void {
  if (pending.length === 0) setImmediate(runPending);
  pending.push(done);
}

function runPending(): void {
  const list = pending;
  pending = [];
  for (const done of list) done();
}
