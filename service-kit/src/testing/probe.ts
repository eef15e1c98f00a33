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
 * A port that was free a moment ago, for child processes that must be told their port. Picked
 * below the kernel's ephemeral range: a port from that range (what `listen(0)` hands out) can be
 * taken by any outgoing connection before the child binds it, and benchmarks open thousands.
 */
export async function freePort(): Promise<number> {
  const [ephemeralLow] = ephemeralPortRange();
  const highest = ephemeralLow - 1;
  if (highest - LOWEST_PICKED_PORT >= 1_000) {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const port = LOWEST_PICKED_PORT + Math.floor(Math.random() * (highest - LOWEST_PICKED_PORT + 1));
      if (await canListen(port)) return port;
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
