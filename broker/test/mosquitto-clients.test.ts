import { afterAll, beforeAll, it, expect } from '@jest/globals';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import { topics } from '@orderpulse/contracts';
import { captureLogger, type CapturedLogger } from './helpers/capture-logger.js';
import { mosquittoMissing, runTool } from './helpers/mosquitto.js';
import { credentialsOf, IDS, type Persona } from './helpers/personas.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';

/** Debian's mosquitto-clients: third-party MQTT 3.1.1 clients meeting the same refusals. */

const { orderA, orderB } = IDS;

describeIfAvailable('mosquitto_sub and mosquitto_pub against the broker', mosquittoMissing(), () => {
  let broker: TestBroker;
  let log: CapturedLogger;
  /** Connection arguments for a persona; `-d` prints every packet sent and received. */
  const as = async (persona: Persona, clientId: string) => {
    const { username, password } = await credentialsOf(persona);
    const credentials = username && password ? ['-u', username, '-P', password] : [];
    return ['-h', '127.0.0.1', '-p', String(broker.tcpPort), '-V', 'mqttv311', '-i', clientId, '-d', ...credentials];
  };

  beforeAll(async () => {
    log = captureLogger('warn');
    broker = await startTestBroker(log.logger);
  });
  afterAll(async () => broker.close());

  it('when mosquitto_sub connects anonymously, then it gets CONNACK 5 and exits with it', async () => {
    const run = await runTool('mosquitto_sub', [...(await as('anonymous', 'mosq-anon')), '-t', topics.orderStatus(orderA), '-C', '1', '-W', '5']);
    expect(run.stdout).toContain('received CONNACK (5)');
    expect(run.stderr).toMatch(/Connection Refused: not authori[sz]ed/);
    expect(run.code).toBe(5);
  });

  it("when customer A asks mosquitto_sub for order B's status, then the SUBACK says 128 and mosquitto_sub gives up", async () => {
    const run = await runTool('mosquitto_sub', [...(await as('customerA', 'mosq-a-sub')), '-t', topics.orderStatus(orderB), '-q', '1', '-C', '1', '-W', '8']);
    expect(run.stdout).toContain('received CONNACK (0)');
    expect(run.stdout).toMatch(/Subscribed \(mid: \d+\): 128/);
    expect(run.stderr).toContain('All subscription requests were denied.');
    expect(run.code).not.toBe(27); // 27: -W ran out, i.e. it did not give up by itself
    expect(run.stdout).not.toMatch(/received PUBLISH/);
    expect(log.lines).toContainEqual(
      expect.objectContaining({ clientId: 'mosq-a-sub', role: 'customer', topic: topics.orderStatus(orderB), reason: 'subscribe_not_authorized' }),
    );
  });

  it('when a customer publishes with mosquitto_pub, then no PUBACK comes and the connection is dropped', async () => {
    const run = await runTool('mosquitto_pub', [
      ...(await as('customerA', 'mosq-a-pub')),
      '-t',
      topics.orderStatus(orderA),
      '-m',
      '{"status":"delivered"}',
      '-q',
      '1',
    ]);
    expect(run.stdout).toContain('received CONNACK (0)');
    expect(run.stdout).toContain('sending PUBLISH');
    expect(run.stdout).not.toContain('received PUBACK');
    expect(run.code).not.toBe(0);
    expect(log.lines).toContainEqual(
      expect.objectContaining({ clientId: 'mosq-a-pub', role: 'customer', topic: topics.orderStatus(orderA), reason: 'publish_not_authorized' }),
    );
  });

  it('when the notifier has retained a status, then customer A receives it with mosquitto_sub at once', async () => {
    const status = JSON.stringify({ orderId: orderA, status: 'shipped', version: 4 });
    const published = await runTool('mosquitto_pub', [
      ...(await as('notifier', 'mosq-notifier')),
      '-t',
      topics.orderStatus(orderA),
      '-m',
      status,
      '-q',
      '1',
      '-r',
    ]);
    expect(published.stdout).toContain('received PUBACK');
    expect(published.code).toBe(0);

    const run = await runTool('mosquitto_sub', [
      ...(await as('customerA', 'mosq-a-own')),
      '-t',
      topics.orderStatus(orderA),
      '-q',
      '1',
      '-C',
      '1',
      '-W',
      '8',
      '-v',
    ]);
    expect(run.stdout).toMatch(/Subscribed \(mid: \d+\): 1/);
    expect(run.stdout).toContain(`${topics.orderStatus(orderA)} ${status}`);
    expect(run.code).toBe(0);
  });
});
