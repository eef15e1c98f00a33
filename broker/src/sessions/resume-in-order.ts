import { finished, type Duplex } from 'node:stream';
import type { PreConnectHook } from '../admission/pre-connect.js';

interface QueuedPacket {
  qos: number;
  brokerId?: string;
  brokerCounter?: number;
}
type Deliver = (packet: QueuedPacket, done: () => void) => void;
interface Persistence {
  outgoingUpdate(client: unknown, packet: QueuedPacket): Promise<unknown>;
}
interface ResumingClient {
  conn: Duplex;
  deliverQoS: Deliver;
  broker: { persistence: Persistence };
  once(event: 'connected', listener: () => void): unknown;
  /** While resuming: the broker counters of the messages the queue has sent, per broker id. */
  [RESUMING]?: Map<string, Set<number>>;
}

const RESUMING = Symbol('resuming persistent session');
const patched = new WeakSet<Persistence>();

/**
 * aedes resumes a persistent session (CONNECT with clean=false) by re-subscribing it first and
 * sending what was queued while it was away last, so a message published during the reconnect
 * reaches the client before older queued ones. For delivery-service that reordered a rider's
 * reports (a live "delivered" overtook the positions queued before it, which were then ignored).
 * This holds the live QoS 1/2 deliveries of a resuming session until its queue has been sent and
 * then delivers them in the order they came; if the connection ends first they are left in the
 * session's queue for the next connection.
 */
export function deliverQueuedFirst(): PreConnectHook {
  return (client, packet, done) => {
    if (!packet.clean) holdLiveUntilResumed(client as unknown as ResumingClient);
    done(null, true);
  };
}

function holdLiveUntilResumed(client: ResumingClient): void {
  recordQueuedCounters(client.broker.persistence);
  const deliver = client.deliverQoS;
  let held: QueuedPacket[] | undefined = [];
  const sentFromQueue = new Map<string, Set<number>>();
  client[RESUMING] = sentFromQueue;
  // aedes reads client.deliverQoS when it restores the session's subscriptions, after this hook.
  client.deliverQoS = (packet, cb) => {
    if (!held || packet.qos === 0) return deliver(packet, cb);
    held.push(packet);
    setImmediate(cb); // mqemitter waits for every handler: holding its callback would stall all clients
  };
  const release = (send: (packet: QueuedPacket) => void) => {
    const packets = held ?? [];
    held = undefined;
    delete client[RESUMING];
    client.deliverQoS = deliver;
    for (const packet of packets) send(packet);
  };
  // A message published while aedes was restoring the session was queued too, and the queue has
  // just sent it. Skipped here rather than by aedes' dedupe, which would clear another queued message.
  // Exactly those: counters do not follow the order messages are queued in (see firstSight in
  // delivery/direct-delivery.ts), so a lower one than the queue sent may not have been in it yet.
  const alreadySent = (packet: QueuedPacket) =>
    packet.brokerId !== undefined && packet.brokerCounter !== undefined && sentFromQueue.get(packet.brokerId)?.has(packet.brokerCounter) === true;
  client.once('connected', () => release((packet) => alreadySent(packet) || deliver(packet, noop)));
  // aedes queues every QoS 1/2 message for a persistent session before delivering it live, so
  // what is still held when the connection ends stays queued for the next one.
  const stopWatching = finished(client.conn, () => {
    stopWatching();
    if (held) release(noop);
  });
}

/** While a session resumes, each queued message it is sent is noted by its broker counter. */
function recordQueuedCounters(persistence: Persistence): void {
  if (patched.has(persistence)) return;
  patched.add(persistence);
  const update = persistence.outgoingUpdate.bind(persistence);
  persistence.outgoingUpdate = (client, packet) => {
    const sent = (client as ResumingClient)[RESUMING];
    if (sent && packet.brokerId && packet.brokerCounter !== undefined) {
      const counters = sent.get(packet.brokerId) ?? new Set<number>();
      counters.add(packet.brokerCounter);
      sent.set(packet.brokerId, counters);
    }
    return update(client, packet);
  };
}

function noop(): void {}
