import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/** True when something accepts TCP connections at host:port within `timeoutMs`. */
export function isPortOpen(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The kernel's range for outgoing connections' local ports (Linux), or its usual default. */
function ephemeralPortRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high) return [low, high];
  } catch {
    // not Linux: fall through
  }
  return [32_768, 60_999];
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const LOWEST_PICKED_PORT = 10_000;

/**
 * Ports `fetch` refuses to connect to ("bad port", the Fetch standard's port blocking; Chromium's
 * restricted ports are the same list), from LOWEST_PICKED_PORT up: a service given one started,
 * but the harness's `fetch` of its /readyz failed until the deadline (CI, 2026-12-07: delivery on
 * 10080). The rest of the list is below 10,000.
 */
const PORTS_BROWSERS_BLOCK = new Set([10_080]);

/** Whether freePort may hand out `port`: a browser and `fetch` can reach it. */
export function reachableByFetch(port: number): boolean {
  return !PORTS_BROWSERS_BLOCK.has(port);
}
/** Jest workers (and anything else naming a slot in JEST_WORKER_ID) pick from disjoint slices. */
const SLICES = 8;
/** A port handed out is not handed out again by this process for this long (its child may not have bound it yet). */
const HANDED_OUT_FOR_MS = 10 * 60_000;
const handedOut = new Map<number, number>();

function notRecentlyHandedOut(port: number, now: number): boolean {
  const at = handedOut.get(port);
  return at === undefined || now - at > HANDED_OUT_FOR_MS;
}

/** The range this process picks from: its worker's slice, or all of it outside Jest. */
export function pickRange(low: number, high: number, workerId = process.env.JEST_WORKER_ID): [number, number] {
  const slot = Number(workerId);
  if (!Number.isInteger(slot) || slot < 1) return [low, high];
  const size = Math.floor((high - low + 1) / SLICES);
  const start = low + ((slot - 1) % SLICES) * size;
  return [start, start + size - 1];
}

/**
 * A port that was free a moment ago, for child processes that must be told their port. Picked
 * below the kernel's ephemeral range: a port from that range (what `listen(0)` hands out) can be
 * taken by any outgoing connection before the child binds it, and benchmarks open thousands.
 * Two picks must not meet before their children bind: this process never hands out a port twice
 * within minutes (one system asks for a dozen before any binds), and each Jest worker picks from
 * a slice of its own.
 */
export async function freePort(): Promise<number> {
  const [ephemeralLow] = ephemeralPortRange();
  const [low, high] = pickRange(LOWEST_PICKED_PORT, ephemeralLow - 1);
  if (high - low >= 1_000) {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const port = low + Math.floor(Math.random() * (high - low + 1));
      const now = Date.now();
      if (!reachableByFetch(port) || !notRecentlyHandedOut(port, now)) continue;
      // Marked before the check, so that concurrent calls in this process never pick it too.
      handedOut.set(port, now);
      if (await canListen(port)) return port;
      handedOut.delete(port);
    }
  }
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
