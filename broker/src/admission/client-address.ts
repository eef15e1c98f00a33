import type { IncomingMessage } from 'node:http';

/**
 * The address a WebSocket connection comes from: the TCP peer, or, behind `trustedHops` proxies
 * (a TLS terminator, a load balancer), the address the outermost trusted proxy saw, from
 * X-Forwarded-For. Entries a client wrote itself sit to the left of what the proxies appended, so
 * only the last `trustedHops` entries are believed.
 */
export function webSocketClientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>, trustedHops: number): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (trustedHops === 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  const chain = [...forwarded, peer];
  return chain[Math.max(0, chain.length - 1 - trustedHops)] as string;
}
