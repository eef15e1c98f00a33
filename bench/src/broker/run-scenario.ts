/** Runs one shape's scenarios (one per QoS level) against one target: warm-up, measured run, checks. */
import { randomUUID } from 'node:crypto';
import { CpuMeter, type CpuUsage, type LatencyRecorder } from '../lib/index.js';
import { sleep } from '../system/settings.js';
import type { GeneratorClients, RunDeliveries } from './generator-clients.js';
import type { PublishReply, PublishRequest, QoS } from './protocol.js';
import { scenarioName, settings, type Shape } from './settings.js';
import type { Target } from './targets.js';

export interface RunResult {
  deliveriesPerSecond: number;
  received: number;
  expected: number;
  lost: number;
  outOfOrder: number;
  cpuUsPerDelivery: number;
  userShare: number;
  /** Share of the run the broker's main thread waited for a CPU (contention). */
  brokerWaitPct: number;
  generatorCpuPct: number;
  publisherCpuPct: number;
  maxSendLagMs: number;
  histogram: LatencyRecorder;
}

interface RunPlan {
  shape: Shape;
  qos: QoS;
  topics: string[];
  /** Subscribers per topic: deliveries per publish. */
  perTopic: number;
}

interface MeasuredRun {
  published: PublishReply;
  expected: number;
  brokerCpu: CpuUsage;
  /** CPU of each generator process, in pool order. */
  generatorCpuMs: number[];
}

export class ScenarioRunner {
  /** `notes` collects the problems of every run (a run with problems still counts). */
  constructor(
    private readonly clients: GeneratorClients,
    private readonly notes: string[],
  ) {}

  /** Connects the shape's subscribers and the publisher, then runs every QoS level `repeat` times. */
  async runShape(target: Target, shape: Shape, qosLevels: QoS[], repeat = settings.repeat): Promise<Map<QoS, RunResult[]>> {
    const orders = Array.from({ length: shape.topics }, () => randomUUID());
    const topics = orders.map((id) => `orders/${id}/status`);
    await this.clients.connectSubscribers(target, await this.clients.subscriberSpecs(target, orders, shape.subscribers, shape.name));
    await this.clients.connectPublisher(target);
    const perTopic = shape.subscribers / shape.topics;
    const results = new Map<QoS, RunResult[]>();
    for (const qos of qosLevels) {
      const runs: RunResult[] = [];
      for (let r = 0; r < repeat; r++) runs.push(await this.runOnce(target, { shape, qos, topics, perTopic }));
      results.set(qos, runs);
    }
    await this.clients.disconnectAll();
    return results;
  }

  private async runOnce(target: Target, plan: RunPlan): Promise<RunResult> {
    await this.warmUp(target, plan);
    const measured = await this.measure(target, plan);
    const deliveries = await this.clients.collect();
    this.noteProblems(target, plan, measured.published, deliveries);
    return runResult(measured, deliveries, this.clients.publisherIndex);
  }

  /** A run that is not recorded, then let it drain. */
  private async warmUp(target: Target, plan: RunPlan): Promise<void> {
    const run = this.clients.nextRun();
    await this.clients.arm(run);
    const warm = await this.publishRun(target, plan, run, settings.warmupMs, (reply) => Boolean(reply.error));
    await this.clients.waitForDeliveries(warm.sent * plan.perTopic);
    await sleep(200);
  }

  /** The recorded run and its drain, with broker and generator CPU metered over both. */
  private async measure(target: Target, plan: RunPlan): Promise<MeasuredRun> {
    const run = this.clients.nextRun();
    await this.clients.arm(run);
    const brokerCpu = new CpuMeter(target.pid);
    const generatorCpu = this.clients.pids().map((pid) => new CpuMeter(pid));
    brokerCpu.start();
    generatorCpu.forEach((m) => m.start());
    // Nothing sent means the publisher lost its connection in an earlier run: connect it again and go on.
    const published = await this.publishRun(target, plan, run, settings.durationMs, (reply) => Boolean(reply.error) && reply.sent === 0);
    const expected = published.sent * plan.perTopic;
    await this.clients.waitForDeliveries(expected);
    return { published, expected, brokerCpu: brokerCpu.stop(), generatorCpuMs: generatorCpu.map((m) => m.stop().cpuMs) };
  }

  /** Publishes `run`; when `lostConnection(reply)`, connects the publisher again and publishes the run once more. */
  private async publishRun(
    target: Target,
    plan: RunPlan,
    run: number,
    durationMs: number,
    lostConnection: (reply: PublishReply) => boolean,
  ): Promise<PublishReply> {
    const request: PublishRequest = {
      run,
      qos: plan.qos,
      ratePerSecond: plan.shape.rate,
      durationMs,
      topics: plan.topics,
      payloadBytes: settings.payloadBytes,
      ackTimeoutMs: 30_000,
      pacing: settings.pacing,
    };
    const reply = await this.clients.publish(request);
    if (!lostConnection(reply)) return reply;
    console.log(`  ! publisher ${reply.error}: reconnecting`);
    await this.clients.reconnectPublisher(target);
    return this.clients.publish(request);
  }

  /** Notes and prints (with the broker's last lines) whatever went wrong in the run. */
  private noteProblems(target: Target, plan: RunPlan, published: PublishReply, deliveries: RunDeliveries): void {
    const problems: string[] = [];
    if (plan.qos === 1 && published.acked < published.sent) problems.push(`${published.sent - published.acked} publishes not acknowledged`);
    if (deliveries.disconnects > 0) problems.push(`${deliveries.disconnects} clients disconnected`);
    if (deliveries.clientErrors > 0) problems.push(`${deliveries.clientErrors} client errors`);
    if (published.error) problems.push(`publisher: ${published.error}`);
    if (problems.length === 0) return;
    const note = `${scenarioName(target.transport, plan.qos, plan.shape.name)} ${target.system}: ${problems.join(', ')}`;
    this.notes.push(note);
    console.log(`  ! ${note}`);
    const output = target.output().trim().split('\n').slice(-5).join('\n    ');
    if (output) console.log(`    broker output:\n    ${output}`);
  }
}

function runResult(measured: MeasuredRun, deliveries: RunDeliveries, publisherIndex: number): RunResult {
  const { published, expected, brokerCpu: cpu, generatorCpuMs } = measured;
  const { received, outOfOrder, histogram } = deliveries;
  const genCpuMs = generatorCpuMs.reduce((sum, ms) => sum + ms, 0);
  return {
    deliveriesPerSecond: received / (settings.durationMs / 1000),
    received,
    expected,
    lost: Math.max(0, expected - received),
    outOfOrder,
    cpuUsPerDelivery: received > 0 ? (cpu.cpuMs * 1000) / received : NaN,
    userShare: cpu.cpuMs > 0 ? cpu.userMs / cpu.cpuMs : NaN,
    brokerWaitPct: (cpu.runQueueWaitMs / cpu.wallMs) * 100,
    generatorCpuPct: (genCpuMs / cpu.wallMs) * 100,
    publisherCpuPct: ((generatorCpuMs[publisherIndex] ?? NaN) / cpu.wallMs) * 100,
    maxSendLagMs: published.maxSendLagMs,
    histogram,
  };
}
