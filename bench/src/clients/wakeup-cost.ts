/**
 * What one wake-up costs on this machine: an echo server's CPU per message when messages come one
 * at a time, at a few rates, for a Node.js `net` echo (the least a Node service does per message)
 * and for socat (a C program, one read and one write) as the baseline. Each message wakes the
 * server once; between messages it sleeps in epoll. The two servers alternate run by run.
 *
 *   npm run bench:wakeup -w bench
 *
 * BENCH_RATES (default 50,200,1000 messages/s), BENCH_STEP_S per run (default 10), BENCH_REPEAT
 * (default 3). Without socat on PATH the baseline is left out and the run says so.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from '@orderpulse/service-kit/testing';
import { median } from '../lib/index.js';
import { readContextSwitches } from '../system/server-processes.js';

const rates = (process.env.BENCH_RATES ?? '50,200,1000').split(',').map(Number);
const stepSeconds = Number(process.env.BENCH_STEP_S ?? 10);
const repeat = Number(process.env.BENCH_REPEAT ?? 3);
const MESSAGE = Buffer.alloc(200, 0x61);
const NODE_ECHO = `const s=require('node:net').createServer({noDelay:true},(c)=>c.on('data',(d)=>c.write(d)));s.listen(0,'127.0.0.1',()=>console.log(s.address().port))`;

interface Server {
  child: ChildProcess;
  port: number;
}

/** CPU time of all a process's threads so far, in ns (/proc/<pid>/task/<tid>/schedstat). */
function cpuNs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return ns;
}

function hasSocat(): boolean {
  try {
    execFileSync('socat', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function startServer(kind: 'node' | 'socat'): Promise<Server> {
  if (kind === 'node') {
    const child = spawn(process.execPath, ['-e', NODE_ECHO], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.stdout!.once('data', (data: Buffer) => resolve(Number(String(data).trim())));
    });
    return { child, port };
  }
  const port = await freePort();
  const child = spawn('socat', [`TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,nodelay`, 'PIPE'], { stdio: 'ignore' });
  return { child, port };
}

async function connectWithRetry(port: number): Promise<Socket> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = connect({ port, host: '127.0.0.1', noDelay: true });
        socket.once('connect', () => resolve(socket));
        socket.once('error', reject);
      });
    } catch (err) {
      if (attempt >= 50) throw err;
      await delay(20); // socat has not bound its port yet
    }
  }
}

/** Sends one message every 1/rate s for stepSeconds; returns the server's CPU µs and wake-ups per message. */
async function measure(kind: 'node' | 'socat', rate: number): Promise<{ cpuUs: number; wakeups: number }> {
  const server = await startServer(kind);
  const pid = server.child.pid!;
  try {
    const socket = await connectWithRetry(server.port);
    let echoed = 0;
    socket.on('data', (data: Buffer) => (echoed += data.length));
    for (let i = 0; i < 2_000; i += 1) socket.write(MESSAGE); // warm up
    const warmBytes = 2_000 * MESSAGE.length;
    while (echoed < warmBytes) await delay(10);
    const cpuBefore = cpuNs(pid);
    const switchesBefore = readContextSwitches(pid).voluntary;
    const interval = 1000 / rate;
    const start = performance.now();
    let sent = 0;
    while (performance.now() - start < stepSeconds * 1000) {
      const due = Math.floor((performance.now() - start) / interval) + 1;
      for (; sent < due; sent += 1) socket.write(MESSAGE);
      await delay(Math.max(1, interval - ((performance.now() - start) % interval)));
    }
    const expected = warmBytes + sent * MESSAGE.length;
    const deadline = performance.now() + 5_000;
    while (echoed < expected && performance.now() < deadline) await delay(5);
    if (echoed < expected) throw new Error(`the ${kind} echo returned ${echoed} of ${expected} bytes within 5 s`);
    const cpuUs = (cpuNs(pid) - cpuBefore) / 1000 / sent;
    const wakeups = (readContextSwitches(pid).voluntary - switchesBefore) / sent;
    socket.destroy();
    return { cpuUs, wakeups };
  } finally {
    server.child.kill();
  }
}

async function main(): Promise<void> {
  const kinds: Array<'node' | 'socat'> = hasSocat() ? ['node', 'socat'] : ['node'];
  if (kinds.length === 1) process.stdout.write('socat not found (apt-get install socat): the C baseline is left out\n');
  process.stdout.write(
    `${rates.length} rates × ${kinds.length} servers × ${repeat} runs of ${stepSeconds} s: about ${Math.ceil((rates.length * kinds.length * repeat * (stepSeconds + 1)) / 60)} min\n`,
  );
  const results = new Map<string, { cpuUs: number[]; wakeups: number[] }>();
  for (const rate of rates) {
    for (let run = 1; run <= repeat; run += 1) {
      for (const kind of kinds) {
        const r = await measure(kind, rate);
        const key = `${kind} ${rate}`;
        const entry = results.get(key) ?? { cpuUs: [], wakeups: [] };
        entry.cpuUs.push(r.cpuUs);
        entry.wakeups.push(r.wakeups);
        results.set(key, entry);
        process.stdout.write(`${rate}/s run ${run} ${kind.padEnd(5)} ${r.cpuUs.toFixed(1)} µs CPU and ${r.wakeups.toFixed(2)} wake-ups per message\n`);
      }
    }
  }
  process.stdout.write('\nmedians, server CPU per message (µs; wake-ups per message)\n');
  for (const rate of rates) {
    const cells = kinds.map((kind) => {
      const r = results.get(`${kind} ${rate}`)!;
      return `${kind} ${median(r.cpuUs).toFixed(1)} (${median(r.wakeups).toFixed(2)})`;
    });
    process.stdout.write(`${String(rate).padStart(5)}/s  ${cells.join('  ')}\n`);
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
