import type { Duplex } from 'node:stream';
import type { Aedes, Client } from 'aedes';
import type { Refusal, RefuseFn } from '../refusals/refuse.js';
import { createAddressQuota } from './address-quota.js';
import { guardReads, type RefusedVerdict } from './guard-reads.js';
import { PACKET_TYPES, PacketLengthGuard } from './packet-length-guard.js';

export interface AdmissionLimits {
  /** Largest packet (remaining length) until CONNECT is accepted: a CONNECT with a token fits. */
  maxConnectBytes: number;
  /** Largest packet once accepted: MAX_PAYLOAD_BYTES plus room for the topic and the other fields. */
  maxPacketBytes: number;
  /** A connection that has not sent its whole CONNECT by then is closed. */
  connectTimeoutMs: number;
  /** Concurrent connections per remote address, both transports together; 0: no limit. */
  maxConnectionsPerAddress: number;
}

export type TransportName = 'tcp' | 'websocket';

export interface ConnectionInfo {
  transport: TransportName;
  address: string;
  /** Bytes read from the network on this connection so far (for the refusal line). */
  bytesRead(): number;
}

export interface Admission {
  /** Counts a new connection from `address` and returns its release; undefined (refused, logged, counted) when the address is at its limit. */
  acquire(transport: TransportName, address: string): (() => void) | undefined;
  /** Hands an accepted stream to aedes behind the packet-length guard and the CONNECT timer. */
  handle(conn: Duplex, info: ConnectionInfo): void;
}

export interface AdmissionOptions {
  aedes: Aedes;
  limits: AdmissionLimits;
  refuse: RefuseFn;
}

/**
 * What every connection goes through before aedes spends anything on it, the same for TCP and
 * WebSocket: a per-address count at accept, a limit on each packet's announced length (small
 * until CONNECT is accepted, checked on the MQTT byte stream, so it holds however the bytes are
 * framed), and a deadline for CONNECT.
 */
export function createAdmission({ aedes, limits, refuse }: AdmissionOptions): Admission {
  // aedes emits 'client' once the CONNECT passed authentication, before the CONNACK is written.
  const accepted = new WeakSet<Client>();
  aedes.on('client', (client) => accepted.add(client));
  const addresses = createAddressQuota(limits.maxConnectionsPerAddress);

  const packetRefusal = (client: Client, verdict: RefusedVerdict, info: ConnectionInfo): Refusal => {
    const after = accepted.has(client);
    const where = { transport: info.transport, address: info.address, bytesRead: info.bytesRead(), stage: after ? 'connected' : 'before_connect' };
    // Before CONNECT is accepted nothing the client says about itself is trusted; after, its scoped id names role and subject.
    const clientId = after ? client.id : null;
    if (verdict.problem === 'malformed') {
      return { reason: 'packet_malformed', detail: 'remaining length longer than 4 bytes', clientId, context: where };
    }
    const { packetType, announcedBytes, limitBytes } = verdict;
    const packet = PACKET_TYPES[packetType] ?? 'reserved';
    return {
      reason: 'packet_too_large',
      detail: `${packet} packet announces ${announcedBytes} bytes, over the limit of ${limitBytes}`,
      clientId,
      context: { ...where, packet, announcedBytes, limitBytes },
    };
  };

  const armConnectTimeout = (client: Client, conn: Duplex, info: ConnectionInfo) => {
    const timer = setTimeout(() => {
      // `connecting`: the whole CONNECT has arrived and is being checked.
      if (client.closed || client.connecting || client.connected) return;
      refuse({
        reason: 'connect_timeout',
        detail: `no CONNECT within ${limits.connectTimeoutMs} ms`,
        clientId: null,
        context: { transport: info.transport, address: info.address, bytesRead: info.bytesRead(), connectTimeoutMs: limits.connectTimeoutMs },
      });
      conn.destroy();
    }, limits.connectTimeoutMs);
    timer.unref();
    conn.once('close', () => clearTimeout(timer));
  };

  return {
    acquire(transport, address) {
      const release = addresses.acquire(address);
      if (!release) {
        refuse({
          reason: 'connect_address_limit',
          detail: `already ${limits.maxConnectionsPerAddress} connections from this address`,
          clientId: null,
          context: { transport, address, maxConnectionsPerAddress: limits.maxConnectionsPerAddress },
        });
      }
      return release;
    },
    handle(conn, info) {
      // No upgrade request for aedes to keep (client.req): its headers cost every WebSocket connection ~1.5 KB of heap for its whole life.
      const client = aedes.handle(conn);
      const guard = new PacketLengthGuard(() => (accepted.has(client) ? limits.maxPacketBytes : limits.maxConnectBytes));
      guardReads(conn, guard, (verdict) => refuse(packetRefusal(client, verdict, info)));
      armConnectTimeout(client, conn, info);
    },
  };
}
