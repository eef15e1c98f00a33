import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import { captureLogger } from './helpers/capture-logger.js';
import { connectAs, endAll, type RecordingClient } from './helpers/mqtt-clients.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';

describe('the broker health and metrics endpoints', () => {
  let broker: TestBroker;
  let clients: RecordingClient[];

  beforeAll(async () => {
    broker = await startTestBroker(captureLogger('warn').logger);
    clients = [await connectAs(broker.tcpUrl, 'notifier', { clientId: 'm-tcp' }), await connectAs(broker.wsUrl, 'admin', { clientId: 'm-ws' })];
    await clients[0]!.client.publishAsync('admin/orders', 'a', { qos: 1 });
    await clients[0]!.client.publishAsync('orders/o1/status', 'b', { qos: 1, retain: true });
  });
  afterAll(async () => {
    await endAll(clients);
    await broker.close();
  });

  it('when /healthz is asked, then it answers 200 ok', async () => {
    const res = await fetch(`${broker.httpUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('when both listeners are up, then /readyz answers 200 with its checks', async () => {
    const res = await fetch(`${broker.httpUrl}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { broker: true, listeners: true } });
  });

  it('when clients are connected and have published, then /metrics shows them', async () => {
    const res = await fetch(broker.metricsUrl);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^mqtt_connected_clients\{[^}]*\} 2$/m);
    expect(text).toMatch(/^mqtt_connections_total\{transport="tcp"[^}]*\} 1$/m);
    expect(text).toMatch(/^mqtt_connections_total\{transport="websocket"[^}]*\} 1$/m);
    expect(text).toMatch(/^mqtt_messages_published_total\{qos="1",retained="false"[^}]*\} 1$/m);
    expect(text).toMatch(/^mqtt_messages_published_total\{qos="1",retained="true"[^}]*\} 1$/m);
  });
});
