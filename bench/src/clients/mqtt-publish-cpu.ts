/**
 * What one QoS 1 publish costs an mqtt.js client (the notifier's way of publishing: up to 32
 * unacknowledged), with the `debug` module as it is and with service-kit's quiet-debug in place.
 * Each run is its own child process, the two kinds alternating; prints each run and the medians.
 *
 *   npm run bench:mqtt-client -w bench
 *
 * BENCH_MQTT_URL (default the local Mosquitto, mqtt://127.0.0.1:1883; any broker will do, it only
 * acknowledges), BENCH_PUBLISHES per run (default 40,000), BENCH_REPEAT (default 3).
 */
import { execFileSync } from 'node:child_process';
import { median } from '../lib/index.js';

const url = process.env.BENCH_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const publishes = Number(process.env.BENCH_PUBLISHES ?? 40_000);
const repeat = Number(process.env.BENCH_REPEAT ?? 3);
const WARM_UP = 2_000;
const IN_FLIGHT = 32;

/** Runs in the child: publishes, then prints the CPU µs per publish after the warm-up. */
async function child(kind: string): Promise<void> {
  if (kind === 'quiet') await import('@orderpulse/service-kit/quiet-debug');
  const mqtt = await import('mqtt');
  const client = await mqtt.connectAsync(url, { clean: true });
  const payload = Buffer.from(JSON.stringify({ orderId: 'x'.repeat(36), status: 'shipped', version: 3, updatedAt: new Date().toISOString() }));
  let sent = 0;
  let done = 0;
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      while (sent < publishes + WARM_UP && sent - done < IN_FLIGHT) {
        sent += 1;
        client.publish(`bench/${sent % 200}/status`, payload, { qos: 1 }, (err) => {
          if (err) return reject(err);
          done += 1;
          if (done === WARM_UP) cpuAtStart = process.cpuUsage();
          if (done === publishes + WARM_UP) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  const cpu = process.cpuUsage(cpuAtStart);
  process.stdout.write(String((cpu.user + cpu.system) / publishes));
  await client.endAsync(true);
}

function main(): void {
  const results: Record<string, number[]> = { real: [], quiet: [] };
  for (let run = 1; run <= repeat; run += 1) {
    for (const kind of ['real', 'quiet'] as const) {
      const env: NodeJS.ProcessEnv = { ...process.env, BENCH_CHILD: kind };
      delete env.DEBUG;
      let us: number;
      try {
        us = Number(execFileSync(process.execPath, [__filename], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
      } catch (err) {
        const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
        process.stderr.write(`the ${kind} run failed (${stderr || (err as Error).message}); is an MQTT broker answering on ${url}? Set BENCH_MQTT_URL.\n`);
        process.exit(1);
      }
      results[kind]!.push(us);
      process.stdout.write(`run ${run} ${kind.padEnd(5)} ${us.toFixed(2)} µs CPU per publish\n`);
    }
  }
  const real = median(results.real!);
  const quiet = median(results.quiet!);
  process.stdout.write(`medians: debug as it is ${real.toFixed(2)} µs, quiet-debug ${quiet.toFixed(2)} µs (${(((quiet - real) / real) * 100).toFixed(0)} %)\n`);
}

if (process.env.BENCH_CHILD) {
  child(process.env.BENCH_CHILD).catch((err: Error) => {
    process.stderr.write(err.message);
    process.exit(1);
  });
} else main();
