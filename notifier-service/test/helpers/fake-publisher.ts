import type { MqttMessage } from '../../src/messages/mqtt-message.js';
import type { MqttPublisher } from '../../src/mqtt/mqtt-publisher.js';

export interface PendingPublish {
  message: MqttMessage;
  ack: () => void;
  fail: (err: Error) => void;
}

/** A publisher whose PUBACKs the test hands out one by one. */
export function fakePublisher() {
  const pending: PendingPublish[] = [];
  const acked: MqttMessage[] = [];
  const publisher: MqttPublisher = {
    publish: (message) =>
      new Promise<void>((resolve, reject) => {
        pending.push({ message, ack: () => (acked.push(message), resolve()), fail: reject });
      }),
    isConnected: () => true,
    close: async () => undefined,
  };
  /** Acks everything pending now; returns what was acked. */
  const ackAll = () => pending.splice(0).map((p) => (p.ack(), p.message));
  return { publisher, pending, acked, ackAll };
}

/** Lets promise callbacks queued so far run. */
export const tick = () => new Promise((resolve) => setImmediate(resolve));
