import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import { topics } from '@orderpulse/contracts';
import { waitFor } from '@orderpulse/service-kit/testing';
import { captureLogger, type CapturedLogger } from './helpers/capture-logger.js';
import { flood, headerAnnouncing } from './helpers/flood.js';
import { refusals } from './helpers/metrics.js';
import { connectAs, endAll } from './helpers/mqtt-clients.js';
import { IDS } from './helpers/personas.js';
import type { TransportName } from './helpers/raw-transports.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';

/** The largest remaining length MQTT can announce: ~256 MiB. */
const MAX_ANNOUNCED = 268_435_455;
/**
 * What the broker may have read from the network before it cuts a connection: one socket read
 * (64 KiB), or one 64 KiB WebSocket frame and the upgrade request (measured: 65,536 and 65,794
 * bytes). None of it reaches the MQTT parser; without the guard the parser kept everything.
 */
const READ_BOUND_BYTES = 128 * 1024;
const CONNECT_LIMIT = 4_096;

describe('packets announcing more than the broker accepts', () => {
  let broker: TestBroker;
  let log: CapturedLogger;
  const refusalLines = (stage: string) => log.lines.filter((l) => l.reason === 'packet_too_large' && l.stage === stage);

  beforeAll(async () => {
    log = captureLogger('info');
    broker = await startTestBroker(log.logger, { MQTT_MAX_CONNECT_BYTES: CONNECT_LIMIT, MAX_PAYLOAD_BYTES: 16_384 });
  });
  afterAll(async () => broker.close());

  describe.each<TransportName>(['tcp', 'websocket'])('over %s', (transport) => {
    it('when 4 anonymous connections announce a ~256 MiB CONNECT and stream zeros (64 KiB pieces), then each is cut at the header, counted and logged once, and a customer still gets its updates', async () => {
      const before = await refusals(broker, 'packet_too_large');
      const linesBefore = refusalLines('before_connect').length;
      const customer = await connectAs(transport === 'tcp' ? broker.tcpUrl : broker.wsUrl, 'customerA', { clientId: `bystander-${transport}` });
      await customer.client.subscribeAsync(topics.orderStatus(IDS.orderA), { qos: 1 });

      const floods = await Promise.all(Array.from({ length: 4 }, () => flood(broker, transport, headerAnnouncing(1, MAX_ANNOUNCED))));

      expect(floods.map((f) => f.closedByBroker)).toEqual([true, true, true, true]);
      await waitFor(async () => (await refusals(broker, 'packet_too_large')) === before + 4, 'four packet_too_large refusals');
      const lines = refusalLines('before_connect').slice(linesBefore);
      expect(lines).toHaveLength(4);
      for (const line of lines) {
        expect(line).toMatchObject({
          level: 40,
          msg: 'connection closed: packet too large',
          transport,
          packet: 'connect',
          announcedBytes: MAX_ANNOUNCED,
          limitBytes: CONNECT_LIMIT,
          clientId: null,
        });
        expect(line.bytesRead as number).toBeLessThanOrEqual(READ_BOUND_BYTES);
      }

      const notifier = await connectAs(broker.tcpUrl, 'notifier', { clientId: `notifier-${transport}` });
      await notifier.client.publishAsync(topics.orderStatus(IDS.orderA), '{"status":"shipped"}', { qos: 1 });
      await waitFor(() => customer.messages.length > 0, 'the bystander customer to get its update');
      expect(customer.client.connected).toBe(true);
      await endAll([customer, notifier]);
    });
  });

  it('when a connected customer publishes a 50 MB payload, then the connection is cut at the PUBLISH header (the 50 MB are never read) and counted', async () => {
    const before = await refusals(broker, 'packet_too_large');
    const customer = await connectAs(broker.tcpUrl, 'customerA', { clientId: 'big-publisher' });
    const closed = new Promise<void>((resolve) => customer.client.once('close', () => resolve()));
    customer.client.publish(topics.orderStatus(IDS.orderA), Buffer.alloc(50_000_000), { qos: 0 });
    await closed;

    await waitFor(async () => (await refusals(broker, 'packet_too_large')) === before + 1, 'the packet_too_large refusal');
    const line = refusalLines('connected').find((l) => String(l.clientId).endsWith(':big-publisher'));
    expect(line).toMatchObject({ packet: 'publish', limitBytes: 16_384 + 2_048, transport: 'tcp' });
    expect(line!.announcedBytes as number).toBeGreaterThan(50_000_000);
    expect(line!.bytesRead as number).toBeLessThanOrEqual(READ_BOUND_BYTES);
    // The payload check behind it never saw the packet.
    expect(await refusals(broker, 'payload_too_large')).toBe(0);
    await endAll([customer]);
  });

  it('when a header runs past four length bytes, then the connection is closed as malformed and counted', async () => {
    const before = await refusals(broker, 'packet_malformed');
    const result = await flood(broker, 'tcp', Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f]), { maxBytes: 16 * 1024 * 1024 });
    expect(result.closedByBroker).toBe(true);
    await waitFor(async () => (await refusals(broker, 'packet_malformed')) === before + 1, 'the packet_malformed refusal');
  });
});
