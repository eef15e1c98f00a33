import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deleteAmqpNamespace, testNamespace } from '@orderpulse/service-kit/testing';
import { startSystem, type RunningSystem, type ServiceName } from '../src/harness/index.js';

const amqpUrl = process.env.AMQP_URL as string;

/** A metric only that process registers, so each answer is known to come from the right one. */
const OWN_METRIC: Record<ServiceName, RegExp> = {
  broker: /^mqtt_connected_clients\b/m,
  orders: /^outbox_pending_events\b/m,
  delivery: /^rider_reports_total\b|^# HELP rider_reports_total/m,
  notifier: /^# HELP notifier_mqtt_puback_seconds/m,
  web: /^process_cpu_seconds_total\{[^}]*service="web-client"/m,
  mail: /^# HELP mails_sent_total/m,
};

/** Every process serves /metrics on its own METRICS_PORT (loopback by default), never on a public port. */
describe('when Prometheus text is asked for, then only each process’s METRICS_PORT gives it', () => {
  const namespace = testNamespace('metrics');
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem({ amqpUrl, namespace, ports: 'free', mail: {} });
  }, 60_000);
  afterAll(async () => {
    await system?.stop();
    await deleteAmqpNamespace(amqpUrl, namespace, ['notifier', 'delivery-service.orders', 'orders-service.delivery', 'mail-service']);
  });

  const publicPorts = (): Record<ServiceName, string[]> => ({
    broker: [system.urls.brokerHttp, `http://127.0.0.1:${system.ports.mqttWs}`],
    orders: [system.urls.orders],
    delivery: [system.urls.delivery],
    notifier: [system.urls.notifier],
    web: [system.urls.web],
    mail: [system.urls.mail],
  });

  it.each<ServiceName>(['broker', 'orders', 'delivery', 'notifier', 'mail', 'web'])(
    'when %s is asked on its public ports, then /metrics is not there; on METRICS_PORT it is',
    async (name) => {
      for (const url of publicPorts()[name]) {
        const res = await fetch(`${url}/metrics`);
        expect([404, 426]).toContain(res.status);
        expect(await res.text()).not.toMatch(/^# HELP /m);
      }
      const res = await fetch(system.urls.metrics[name]);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toMatch(OWN_METRIC[name]);
    },
  );
});
