import { once } from 'node:events';
import { connect } from 'node:net';
import { afterEach, describe, it, expect } from '@jest/globals';
import * as mqttPacket from 'mqtt-packet';
import { topics } from '@orderpulse/contracts';
import { waitFor } from '@orderpulse/service-kit/testing';
import { captureLogger, type CapturedLogger } from './helpers/capture-logger.js';
import { refusals } from './helpers/metrics.js';
import { connectAs, endAll } from './helpers/mqtt-clients.js';
import { IDS } from './helpers/personas.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';
import type { BrokerSettings } from '../src/create-broker.js';

const ATTEMPTS = 200;
const LINES_PER_SECOND = 10;
const LONG_ID = 'x'.repeat(60_000);

/** One CONNECT with a 60,000-character client id and a password that is no token; resolves when the broker has closed the connection. */
async function refusedConnect(tcpPort: number): Promise<void> {
  const socket = connect({ host: '127.0.0.1', port: tcpPort });
  socket.on('error', () => undefined);
  socket.resume();
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await once(socket, 'connect');
  socket.write(
    mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      keepalive: 30,
      clientId: LONG_ID,
      username: 'customer',
      password: Buffer.from('not-a-token'),
    }),
  );
  await closed;
}

/** ATTEMPTS refused connects, 20 at a time. */
async function refuseMany(broker: TestBroker): Promise<void> {
  for (let i = 0; i < ATTEMPTS; i += 20) await Promise.all(Array.from({ length: 20 }, () => refusedConnect(broker.tcpPort)));
}

describe(`${ATTEMPTS} refused CONNECTs with a 60,000-character client id and a bad password`, () => {
  let broker: TestBroker | undefined;
  let log: CapturedLogger;
  const start = async (overrides: Partial<BrokerSettings>) => {
    log = captureLogger('info');
    broker = await startTestBroker(log.logger, { REFUSAL_LOG_LINES_PER_SECOND: LINES_PER_SECOND, ...overrides });
    return broker;
  };
  afterEach(async () => broker?.close());

  /** Waits until every refusal of `reason` is either logged or summed up in a "suppressed" line; returns the lines written for them. */
  const linesFor = async (reason: string) => {
    const refused = log.lines.filter((l) => l.reason === reason && l.msg !== 'suppressed log lines');
    const summaries = () => log.lines.filter((l) => l.reason === reason && l.msg === 'suppressed log lines');
    await waitFor(() => refused.length + summaries().reduce((sum, l) => sum + (l.suppressed as number), 0) === ATTEMPTS, 'every refusal logged or summed up');
    return { refused, summaries: summaries() };
  };

  const expectBoundedLog = (lines: Array<Record<string, unknown>>, elapsedMs: number) => {
    const total = lines.reduce((sum, line) => sum + JSON.stringify(line).length + 1, 0);
    process.stdout.write(
      `\n[refusal log] ${ATTEMPTS} refused connects in ${elapsedMs} ms: ${lines.length} lines, ${total} bytes (${(total / ATTEMPTS).toFixed(0)} bytes per refusal)\n`,
    );
    const seconds = Math.ceil(elapsedMs / 1_000) + 1;
    // At most the budget per second of the flood (plus the first second's burst), and one summary line a second.
    expect(lines.length).toBeLessThanOrEqual(LINES_PER_SECOND * (seconds + 1) + seconds);
    for (const line of lines) expect(JSON.stringify(line).length).toBeLessThan(1_024);
    expect(total / ATTEMPTS).toBeLessThan(1_024);
  };

  it('when the CONNECT is over the pre-CONNECT size limit, then each is cut at its header, all 200 are counted, the log stays small, and a customer is still served', async () => {
    const running = await start({});
    const started = Date.now();
    await refuseMany(running);
    const elapsedMs = Date.now() - started;

    expect(await refusals(running, 'packet_too_large')).toBe(ATTEMPTS);
    const { refused, summaries } = await linesFor('packet_too_large');
    expect(refused.length).toBeLessThan(ATTEMPTS);
    expect(refused.every((l) => l.clientId === null)).toBe(true);
    expectBoundedLog([...refused, ...summaries], elapsedMs);

    const customer = await connectAs(running.tcpUrl, 'customerA', { clientId: 'still-served' });
    const notifier = await connectAs(running.tcpUrl, 'notifier', { clientId: 'notifier' });
    await customer.client.subscribeAsync(topics.orderStatus(IDS.orderA), { qos: 1 });
    await notifier.client.publishAsync(topics.orderStatus(IDS.orderA), '{"status":"shipped"}', { qos: 1 });
    await waitFor(() => customer.messages.length === 1, 'the customer update');
    await endAll([customer, notifier]);
  });

  it('when the size limit lets such a CONNECT through (raised for this test), then the client-id cap refuses each with CONNACK 2, and each line carries only a prefix of the id', async () => {
    const running = await start({ MQTT_MAX_CONNECT_BYTES: 128 * 1024 });
    const started = Date.now();
    await refuseMany(running);
    const elapsedMs = Date.now() - started;

    expect(await refusals(running, 'connect_client_id_too_long')).toBe(ATTEMPTS);
    // The id is refused before the token is looked at.
    expect(await refusals(running, 'connect_token_invalid')).toBe(0);
    const { refused, summaries } = await linesFor('connect_client_id_too_long');
    expect(refused[0]).toMatchObject({ clientId: `${'x'.repeat(128)}…[60000 chars]`, clientIdLength: 60_000, username: 'customer' });
    expectBoundedLog([...refused, ...summaries], elapsedMs);
  });
});
