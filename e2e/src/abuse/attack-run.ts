import { waitFor } from '@orderpulse/service-kit/testing';
import type { IClientOptions, MqttClient } from 'mqtt';
import type { DeliveryClient } from '../harness/delivery-client.js';
import type { OrdersClient } from '../harness/orders-client.js';
import type { ServiceName } from '../harness/paths.js';
import type { RunningSystem } from '../harness/system.js';
import { Bystander, percentile } from './bystander.js';
import type { LogMeter } from './log-meter.js';
import { RssSampler, type RssFigures } from './process-rss.js';
import { metricSum } from './prometheus.js';
import { attemptConnect, type ConnectOutcome } from './attacker-clients.js';
import type { BrokerTarget, Transport } from './raw-flood.js';
import { retainedOn } from './retained-probe.js';
import { readStoredState, unexpectedChanges, type ExpectedChanges } from './stored-state.js';

/** What an attack reports about itself. */
export interface AttackReport {
  /** The attack's figures: connections, bytes, rate, as a short phrase. */
  figures: string;
  /** The limit it met, as a short phrase. */
  limit: string;
  /** Connections or requests the system refused (the log budget is per refusal); 0: none were. */
  refused: number;
  /** Whose log the attack could grow, by process name (default: the broker's); the first is the one attacked. */
  logOf?: string[];
  /** Stored changes the test itself made besides the bystander's (e.g. a rider's real positions). */
  expected?: Partial<ExpectedChanges>;
  /** Exact topics the attacker published to: none may hold a retained message of the attacker's afterwards. */
  publishedTopics?: string[];
  /** Retained messages on those topics that are the system's own (e.g. the notifier's status of the attacker's order). */
  systemRetained?: (topic: string, payload: string) => boolean;
  /** Which of the `logOf` lines the attack caused, when the attack also does legitimate work (default: all but the bystander's). */
  attackLines?: (line: string) => boolean;
}

export interface AttackContext {
  /** The attacker's own client address (a 127.0.0.x nobody else uses). */
  address: string;
  broker: BrokerTarget;
  /** True until the bystander's changes are all through: a sustained flood keeps going while it is. */
  bystanderDriving(): boolean;
  /** One MQTT CONNECT from the attacker's address (attemptConnect); whatever stays connected is ended after the attack. */
  connect(transport: Transport, options: IClientOptions): Promise<ConnectOutcome>;
}

export interface AttackRow extends AttackReport {
  attack: string;
  durationMs: number;
  /** RSS of every process of the system through the attack. */
  rss: Partial<Record<ServiceName, RssFigures>>;
  brokerRss: RssFigures;
  /** Lines and bytes the attack made the processes in `logOf` write (the bystander's own lines left out). */
  log: { lines: number; bytes: number };
  latenciesMs: number[];
  customerP99Ms: number;
  /** Of the bystander's changes, how many were sent while the attack ran. */
  duringAttack: number;
  customerStayedConnected: boolean;
  /** Differences in the stored state nobody but the attacker could have caused. */
  storedChanges: string[];
  /** Retained messages found on the attacker's topics. */
  retainedLeft: string[];
}

const REFUSAL_REASON = /"reason":"([a-z_]+)"/;

/**
 * Runs attacks one at a time against a running system and measures each the same way: every
 * process's RSS sampled throughout, the log it caused, a bystander customer's updates (PATCH → receipt),
 * the stored state before and after, and retained messages left on the attacker's topics.
 */
export class AbuseRun {
  private attacks = 0;

  constructor(
    private readonly system: RunningSystem,
    private readonly log: LogMeter,
    private readonly clients: { orders: OrdersClient; deliveries: DeliveryClient; adminToken: string },
  ) {}

  get broker(): BrokerTarget {
    return { host: '127.0.0.1', tcpPort: this.system.ports.mqtt, wsUrl: this.system.urls.mqttWs };
  }

  /** One RSS sampler per running process of the system. */
  private startSamplers(): Map<ServiceName, RssSampler> {
    const samplers = new Map<ServiceName, RssSampler>();
    for (const [name, process] of this.system.processes) if (process.child.pid) samplers.set(name, RssSampler.start(process.child.pid));
    if (!samplers.has('broker')) throw new Error('the broker process is not running');
    return samplers;
  }

  /** Every refusal the broker counted is either logged or summed in a 'suppressed log lines' line: waits until the piped log shows all of them. */
  private async brokerLogSettled(mark: number, refusalsBefore: number): Promise<void> {
    const refusals = (await metricSum(this.system.urls.metrics.broker, 'mqtt_refusals_total')) - refusalsBefore;
    await waitFor(
      () => this.log.refusalsAccounted(mark, 'broker', (line) => REFUSAL_REASON.test(line)) >= refusals,
      `the broker's log to account for its ${refusals} refusals (logged or summed as suppressed)`,
      5_000,
    );
  }

  async attack(name: string, run: (ctx: AttackContext) => Promise<AttackReport>): Promise<AttackRow> {
    this.attacks += 1;
    const label = `abuse-${this.attacks}-${Date.now().toString(36)}`;
    const bystander = await Bystander.start(this.clients.orders, this.system.urls.mqttWs, label);
    const attackers: MqttClient[] = [];
    try {
      const before = await readStoredState(this.system.urls, this.clients.adminToken);
      const refusalsBefore = await metricSum(this.system.urls.metrics.broker, 'mqtt_refusals_total');
      const mark = this.log.mark();
      const samplers = this.startSamplers();
      let attacking = true;
      let driving = true;
      const startedAt = performance.now();
      let endedAt = startedAt;
      const address = `127.0.0.${10 + this.attacks}`;
      const ctx: AttackContext = {
        address,
        broker: this.broker,
        bystanderDriving: () => driving,
        connect: async (transport, options) => {
          const outcome = await attemptConnect(this.broker, transport, address, options);
          attackers.push(outcome.client);
          return outcome;
        },
      };
      const attack = run(ctx).finally(() => {
        attacking = false;
        endedAt = performance.now();
      });
      const drive = bystander.drive(() => attacking).finally(() => (driving = false));
      const [attacked, drove] = await Promise.allSettled([attack, drive]);
      const rss = Object.fromEntries([...samplers].map(([name, sampler]) => [name, sampler.stop()])) as Partial<Record<ServiceName, RssFigures>>;
      if (attacked.status === 'rejected') throw attacked.reason;
      if (drove.status === 'rejected') throw drove.reason;
      const [report, driven] = [attacked.value, drove.value];
      await this.brokerLogSettled(mark, refusalsBefore);

      // The bystander's shipped order gets a delivery; wait for it so the store is quiet before reading it back.
      await waitFor(() => this.clients.deliveries.deliveryOf(bystander.order.id), `the delivery of the bystander's order ${bystander.order.id}`);
      const after = await readStoredState(this.system.urls, this.clients.adminToken);
      const storedChanges = unexpectedChanges(before, after, {
        orders: [driven.last, ...(report.expected?.orders ?? [])],
        deliveriesOfOrders: report.expected?.deliveriesOfOrders ?? [],
        ids: report.expected?.ids ?? [],
      });
      const retained = report.publishedTopics?.length
        ? await retainedOn(this.system.urls.mqtt, this.clients.adminToken, report.publishedTopics, bystander.topic)
        : new Map<string, string>();
      const notTheAttacks = (line: string) =>
        line.includes(bystander.order.id) || line.includes(label) || (report.attackLines !== undefined && !report.attackLines(line));
      const log = (report.logOf ?? ['broker'])
        .map((p) => this.log.since(mark, p, notTheAttacks))
        .reduce((a, b) => ({ lines: a.lines + b.lines, bytes: a.bytes + b.bytes }), { lines: 0, bytes: 0 });
      return {
        ...report,
        attack: name,
        durationMs: Math.round(endedAt - startedAt),
        rss,
        brokerRss: rss.broker!,
        log,
        latenciesMs: driven.latenciesMs,
        customerP99Ms: percentile(driven.latenciesMs, 99),
        duringAttack: driven.duringAttack,
        customerStayedConnected: bystander.connected,
        storedChanges,
        retainedLeft: [...retained].filter(([topic, payload]) => !report.systemRetained?.(topic, payload)).map(([topic]) => topic),
      };
    } finally {
      // Not awaited: mqtt.js never calls back when end() is called again on a client that has ended.
      for (const client of attackers) if (!client.disconnected && !client.disconnecting) client.end(true);
      await bystander.close();
    }
  }
}
