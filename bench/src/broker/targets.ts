/** The brokers under test: ours (a child process) and Mosquitto (the system one on 1883, or one we start). */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NODE_ARGS } from '@orderpulse/e2e/harness';
import { freePort } from '@orderpulse/service-kit/testing';
import { BENCH_DIR, killOnExit, pinnedCommand, pinProcess, processAffinity, registerCleanup } from '../lib/index.js';
import type { Endpoint, Transport } from './protocol.js';

export type SystemName = 'ours' | 'mosquitto';

export interface Target {
  system: SystemName;
  transport: Transport;
  pid: number;
  endpoint: Omit<Endpoint, 'wsWrites'>;
  /** Whether clients need tokens (ours: yes; mosquitto: anonymous). */
  auth: boolean;
  describe: string;
  /** The last lines the broker printed (ours: its pino log). */
  output(): string;
  stop(): Promise<void>;
}

export const HOST = '127.0.0.1';
export const BROKER_CPU = '0';

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, child: ChildProcess, what: string, output: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}):\n${output()}`);
    if (await portAnswers(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not listen on ${port} within ${timeoutMs} ms:\n${output()}`);
}

function captureOutput(child: ChildProcess): () => string {
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => tail;
}

function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** BENCH_BROKER_MAIN runs another build of our broker (e.g. a copy of an older dist, to compare). */
export const OUR_BROKER_MAIN = process.env.BENCH_BROKER_MAIN
  ? path.resolve(process.env.BENCH_BROKER_MAIN)
  : path.resolve(BENCH_DIR, '..', 'broker', 'dist', 'main.js');

export interface OurBrokerOptions {
  jwtSecret: string;
  /** Extra node arguments, e.g. --cpu-prof (BENCH_BROKER_NODE_ARGS), after the ones it is deployed with. */
  nodeArgs: string[];
  /** Another build's main.js than OUR_BROKER_MAIN (the consoles bench compares builds in one run). */
  main?: string;
}

/** Our broker (`node <its NODE_ARGS> broker/dist/main.js`, as deployed), auth on, pinned to BROKER_CPU. Serves both transports. */
export async function startOurBroker(transport: Transport, options: OurBrokerOptions): Promise<Target> {
  const main = options.main ?? OUR_BROKER_MAIN;
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` at the repository root first`);
  const [mqttPort, wsPort, httpPort] = [await freePort(), await freePort(), await freePort()];
  const { command, args } = pinnedCommand(BROKER_CPU, process.execPath, [...NODE_ARGS.broker, ...options.nodeArgs, main]);
  const env: NodeJS.ProcessEnv = { ...process.env };
  // In memory, like a single broker, unless BENCH_BROKER_REDIS_URL asks for shared state (as when
  // scaled out); never the caller's REDIS_URL.
  delete env.REDIS_URL;
  delete env.REDIS_NAMESPACE;
  if (process.env.BENCH_BROKER_REDIS_URL) {
    env.REDIS_URL = process.env.BENCH_BROKER_REDIS_URL;
    env.REDIS_NAMESPACE = `op-bench-${process.pid}-${randomBytes(4).toString('hex')}`;
  }
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...env,
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.BENCH_BROKER_LOG_LEVEL ?? 'info',
      HOST,
      MQTT_PORT: String(mqttPort),
      MQTT_WS_PORT: String(wsPort),
      BROKER_HTTP_PORT: String(httpPort),
      // Not scraped here: any free port, so it never collides with another broker's.
      METRICS_PORT: '0',
      JWT_SECRET: options.jwtSecret,
      // Fan-out scenarios subscribe up to 1,000 clients with one order's customer token; the broker caps a token at 10 connections.
      MQTT_MAX_CONNECTIONS_PER_SUBJECT: '100000',
    },
  });
  killOnExit(child);
  const output = captureOutput(child);
  const port = transport === 'tcp' ? mqttPort : wsPort;
  await waitForPort(port, child, 'our broker', output);
  return {
    system: 'ours',
    transport,
    pid: child.pid!,
    endpoint: { transport, host: HOST, port, path: '/mqtt' },
    auth: true,
    describe: `${path.relative(process.cwd(), main)} pid ${child.pid} (${transport} :${port})`,
    output,
    stop: () => stopChild(child),
  };
}

function mosquittoBinary(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v mosquitto || ls /usr/sbin/mosquitto'], { encoding: 'utf8' });
  const first = found.stdout.split('\n')[0]?.trim();
  return found.status === 0 && first ? first : undefined;
}

/** A Mosquitto we start ourselves, listening on `transport` (anonymous, no persistence, no logging). */
export async function startOwnMosquitto(transport: Transport): Promise<Target> {
  const binary = mosquittoBinary();
  if (!binary) throw new Error('mosquitto is not installed');
  const port = await freePort();
  // Mosquitto 2.0.11 refuses to start with only a websockets listener ("Unable to start any
  // listening sockets"): give it an unused TCP listener as well.
  const spare = transport === 'ws' ? await freePort() : undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-mosquitto-'));
  const removeDir = registerCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const conf = path.join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      ...(spare !== undefined ? [`listener ${spare} ${HOST}`] : []),
      `listener ${port} ${HOST}`,
      ...(transport === 'ws' ? ['protocol websockets'] : []),
      'allow_anonymous true',
      'persistence false',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      '',
    ].join('\n'),
  );
  const { command, args } = pinnedCommand(BROKER_CPU, binary, ['-c', conf]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(child);
  const output = captureOutput(child);
  await waitForPort(port, child, 'mosquitto', output);
  return {
    system: 'mosquitto',
    transport,
    pid: child.pid!,
    endpoint: { transport, host: HOST, port, path: '/' },
    auth: false,
    describe: `own mosquitto pid ${child.pid} (${transport} :${port})`,
    output,
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
      removeDir();
    },
  };
}

/** The pid of the mosquitto process listening on HOST:port, from `ss -ltnp`. */
function pidListeningOn(port: number): number | undefined {
  const ss = spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  if (ss.status === 0) {
    const match = /"mosquitto",pid=(\d+)/.exec(ss.stdout);
    if (match) return Number(match[1]);
  }
  // Fallback: a single mosquitto process.
  const pidof = spawnSync('pidof', ['mosquitto'], { encoding: 'utf8' });
  const pids = pidof.stdout.trim().split(/\s+/).filter(Boolean).map(Number);
  return pids.length === 1 ? pids[0] : undefined;
}

/**
 * The Mosquitto already running on 127.0.0.1:1883 (TCP), pinned to BROKER_CPU for the run and
 * given its affinity back afterwards. Falls back to our own TCP Mosquitto when there is none.
 */
export async function systemMosquittoTcp(port = 1883): Promise<Target> {
  const pid = (await portAnswers(port)) ? pidListeningOn(port) : undefined;
  if (pid === undefined) {
    console.log(`  (no mosquitto listening on ${HOST}:${port}: starting our own for TCP)`);
    return startOwnMosquitto('tcp');
  }
  const affinity = processAffinity(pid);
  const pinned = pinProcess(pid, BROKER_CPU);
  const restore = () => {
    if (pinned && affinity) spawnSync('taskset', ['-a', '-cp', affinity, String(pid)], { stdio: 'ignore' });
  };
  const unregister = registerCleanup(restore);
  return {
    system: 'mosquitto',
    transport: 'tcp',
    pid,
    endpoint: { transport: 'tcp', host: HOST, port, path: '/' },
    auth: false,
    output: () => '',
    describe: `system mosquitto pid ${pid} (tcp :${port}${pinned ? `, pinned to cpu ${BROKER_CPU} for the run` : ''})`,
    stop: async () => {
      restore();
      unregister();
    },
  };
}

export function randomSecret(): string {
  return randomBytes(32).toString('hex');
}
