import { afterEach, beforeEach, describe, it, expect, jest } from '@jest/globals';
import type { Aedes } from 'aedes';
import type { IConnackPacket, IPublishPacket, ISubackPacket } from 'mqtt-packet';
import { Registry } from '@orderpulse/service-kit';
import { createAuthHooks, type AuthHooks } from '../src/auth/index.js';
import { createAedes } from '../src/create-aedes.js';
import { createBrokerMetrics } from '../src/metrics.js';
import { captureLogger, type CapturedLogger } from './helpers/capture-logger.js';
import { duplexPair } from './helpers/duplex-pair.js';
import { PacketClient } from './helpers/packet-client.js';

/** The real hooks, each wrapped in a spy that calls through. */
function spiedHooks(real: AuthHooks) {
  return {
    authenticate: jest.fn(real.authenticate),
    authorizePublish: jest.fn(real.authorizePublish),
    authorizeSubscribe: jest.fn(real.authorizeSubscribe),
    authorizeForward: jest.fn(real.authorizeForward),
  };
}

describe('auth hooks, over in-memory streams', () => {
  let aedes: Aedes;
  let hooks: ReturnType<typeof spiedHooks>;
  let log: CapturedLogger;
  const clients: PacketClient[] = [];

  const attach = () => {
    const [clientSide, brokerSide] = duplexPair();
    aedes.handle(brokerSide);
    const client = new PacketClient(clientSide);
    clients.push(client);
    return client;
  };
  const subscribed = async (clientId: string, topic: string) => {
    const client = attach();
    await client.connect(clientId);
    client.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos: 1 }] });
    await client.next<ISubackPacket>('suback');
    return client;
  };

  beforeEach(async () => {
    log = captureLogger();
    hooks = spiedHooks(createAuthHooks({ logger: log.logger, maxPayloadBytes: 64 }));
    aedes = await createAedes({ hooks, logger: log.logger, metrics: createBrokerMetrics(new Registry()) });
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
  });

  it('when a client connects, then authenticate sees its id, username and password and the CONNACK accepts', async () => {
    const connack = await attach().connect('c-auth', { username: 'alice', password: Buffer.from('secret') });
    expect(connack.returnCode).toBe(0);
    expect(hooks.authenticate).toHaveBeenCalledTimes(1);
    const [client, username, password] = hooks.authenticate.mock.calls[0]!;
    expect(client.id).toBe('c-auth');
    expect(username).toBe('alice');
    expect(password?.toString()).toBe('secret');
  });

  it('when a client subscribes, then authorizeSubscribe sees the filter and the SUBACK grants QoS 1', async () => {
    const client = attach();
    await client.connect('c-sub');
    client.send({ cmd: 'subscribe', messageId: 7, subscriptions: [{ topic: 'orders/+/status', qos: 1 }] });
    const suback = await client.next<ISubackPacket>('suback');
    expect(suback.granted).toEqual([1]);
    expect(hooks.authorizeSubscribe).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'c-sub' }),
      expect.objectContaining({ topic: 'orders/+/status', qos: 1 }),
      expect.any(Function),
    );
  });

  it('when a client publishes, then authorizePublish sees it and authorizeForward runs for the subscriber', async () => {
    const subscriber = await subscribed('c-sub', 'orders/o1/status');
    const publisher = attach();
    await publisher.connect('c-pub');
    publisher.send({ cmd: 'publish', topic: 'orders/o1/status', payload: Buffer.from('{"v":1}'), qos: 1, messageId: 3, retain: false, dup: false });
    await publisher.next('puback');
    const delivered = await subscriber.next<IPublishPacket>('publish');
    expect(delivered.payload.toString()).toBe('{"v":1}');
    expect(hooks.authorizePublish).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'c-pub' }),
      expect.objectContaining({ topic: 'orders/o1/status' }),
      expect.any(Function),
    );
    expect(hooks.authorizeForward).toHaveBeenCalledWith(expect.objectContaining({ id: 'c-sub' }), expect.objectContaining({ topic: 'orders/o1/status' }));
  });

  it('when a retained message reaches a late subscriber, then authorizeForward runs for that delivery too', async () => {
    const publisher = attach();
    await publisher.connect('c-pub');
    publisher.send({ cmd: 'publish', topic: 'orders/o2/status', payload: Buffer.from('kept'), qos: 1, messageId: 1, retain: true, dup: false });
    await publisher.next('puback');
    expect(hooks.authorizeForward).not.toHaveBeenCalled();
    const late = await subscribed('c-late', 'orders/o2/status');
    const delivered = await late.next<IPublishPacket>('publish');
    expect(delivered.retain).toBe(true);
    expect(hooks.authorizeForward).toHaveBeenCalledWith(expect.objectContaining({ id: 'c-late' }), expect.objectContaining({ topic: 'orders/o2/status' }));
  });

  it('when a payload is over the limit, then the sender is disconnected, nobody receives it and the refusal is logged', async () => {
    const subscriber = await subscribed('c-sub', 'orders/o3/status');
    const publisher = attach();
    await publisher.connect('c-big');
    publisher.send({ cmd: 'publish', topic: 'orders/o3/status', payload: Buffer.alloc(65, 'x'), qos: 1, messageId: 1, retain: false, dup: false });
    await publisher.waitUntilClosed();
    expect(publisher.received.some((p) => p.cmd === 'puback')).toBe(false);
    expect(log.lines).toContainEqual(expect.objectContaining({ clientId: 'c-big', topic: 'orders/o3/status', bytes: 65, msg: 'publish refused: payload too large' }));

    // A later message on the same topic arrives alone: the refused one was never routed.
    const next = attach();
    await next.connect('c-small');
    next.send({ cmd: 'publish', topic: 'orders/o3/status', payload: Buffer.alloc(64, 'y'), qos: 1, messageId: 1, retain: false, dup: false });
    await subscriber.next('publish');
    expect(subscriber.received.filter((p) => p.cmd === 'publish').map((p) => (p as IPublishPacket).payload.length)).toEqual([64]);
  });

  it('when a client publishes to $SYS, then it is refused and disconnected', async () => {
    const client = attach();
    const connack: IConnackPacket = await client.connect('c-sys');
    expect(connack.returnCode).toBe(0);
    client.send({ cmd: 'publish', topic: '$SYS/fake/heartbeat', payload: Buffer.from('x'), qos: 0, retain: false, dup: false });
    await client.waitUntilClosed();
    expect(log.lines).toContainEqual(expect.objectContaining({ clientId: 'c-sys', topic: '$SYS/fake/heartbeat', msg: 'publish refused' }));
  });
});
