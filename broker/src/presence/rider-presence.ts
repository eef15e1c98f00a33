import type { Aedes, Client } from 'aedes';
import { topics, type RiderPresenceMessage, type TokenClaims } from '@orderpulse/contracts';
import type { Logger } from '@orderpulse/service-kit';

export interface RiderPresenceOptions {
  aedes: Aedes;
  /** The verified claims of a connected client (auth/index.ts `sessionOf`). */
  claimsOf(client: Client): TokenClaims | undefined;
  logger: Logger;
  clock?: () => Date;
}

/**
 * The broker knows when a rider's connection opens and when it drops (a clean DISCONNECT, a
 * socket closed or reset, a keepalive missed by half its length again): it publishes
 * `riders/<riderId>/presence`, retained, at QoS 1, when the rider's first connection is ready
 * and when the last one is gone (a phone reconnecting opens the new connection before the old
 * one is noticed gone, so connections are counted). Published by the broker itself: no client,
 * the rider included, may write that topic. Counts are per broker: behind several brokers a
 * rider connected to two of them shows offline when either connection ends, until its next
 * heartbeat or reconnect.
 */
export function trackRiderPresence({ aedes, claimsOf, logger, clock = () => new Date() }: RiderPresenceOptions): void {
  const connections = new Map<string, number>();
  const counted = new WeakMap<Client, string>();

  const publish = (riderId: string, online: boolean) => {
    const message: RiderPresenceMessage = { riderId, online, at: clock().toISOString() };
    aedes.publish(
      { cmd: 'publish', topic: topics.riderPresence(riderId), payload: Buffer.from(JSON.stringify(message)), qos: 1, retain: true, dup: false },
      (err) => {
        // A publish still in flight when the broker shuts down fails with it (Redis closed): not worth a warning.
        if (err) logger[aedes.closed ? 'debug' : 'warn']({ riderId, online, err: err.message }, 'rider presence not published');
      },
    );
    // Debug like every connection's line (create-aedes.ts): a token holder reconnecting in a loop must not flood the log.
    logger.debug({ riderId, online }, online ? 'rider connected' : 'rider connection lost');
  };

  aedes.on('clientReady', (client) => {
    const claims = claimsOf(client);
    if (claims?.role !== 'rider') return;
    counted.set(client, claims.riderId);
    const open = (connections.get(claims.riderId) ?? 0) + 1;
    connections.set(claims.riderId, open);
    if (open === 1) publish(claims.riderId, true);
  });

  aedes.on('clientDisconnect', (client) => {
    const riderId = counted.get(client);
    if (riderId === undefined) return;
    counted.delete(client);
    const open = (connections.get(riderId) ?? 1) - 1;
    if (open > 0) {
      connections.set(riderId, open);
      return;
    }
    connections.delete(riderId);
    // The broker shutting down closes every connection: that is not the rider losing signal.
    if (!aedes.closed) publish(riderId, false);
  });
}
