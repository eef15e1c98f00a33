import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { deliverQueuedFirst } from '../src/sessions/resume-in-order.js';

interface Message {
  qos: number;
  brokerId: string;
  brokerCounter: number;
}

/** deliverQueuedFirst with a stand-in for an aedes client resuming its persistent session. */
function resumingClient() {
  const delivered: number[] = [];
  const persistence = { outgoingUpdate: (_client: unknown, _packet: Message) => Promise.resolve() };
  const client = Object.assign(new EventEmitter(), {
    conn: new PassThrough(),
    broker: { persistence },
    deliverQoS: (packet: Message, done: () => void) => {
      delivered.push(packet.brokerCounter);
      done();
    },
  });
  deliverQueuedFirst()(client as never, { clean: false } as never, () => undefined);
  return { client, persistence, delivered };
}

describe('a resuming persistent session: live messages held until its queue is sent', () => {
  it('when the queue sent a message with a higher counter, then a held one it did not send is still delivered, and only the one it sent is skipped', async () => {
    const { client, persistence, delivered } = resumingClient();
    const noop = () => undefined;
    // Counter 5 arrives live while the queue is being sent; the queue sends 6 (queued first: a
    // message's counter is taken before it waits for the persistence), which also arrives live.
    client.deliverQoS({ qos: 1, brokerId: 'b1', brokerCounter: 5 }, noop);
    await persistence.outgoingUpdate(client, { qos: 1, brokerId: 'b1', brokerCounter: 6 });
    client.deliverQoS({ qos: 1, brokerId: 'b1', brokerCounter: 6 }, noop);
    client.deliverQoS({ qos: 1, brokerId: 'b1', brokerCounter: 7 }, noop);
    expect(delivered).toEqual([]);
    client.emit('connected');
    expect(delivered).toEqual([5, 7]);
    // Once resumed, live messages go straight through.
    client.deliverQoS({ qos: 1, brokerId: 'b1', brokerCounter: 8 }, noop);
    expect(delivered).toEqual([5, 7, 8]);
  });
});
