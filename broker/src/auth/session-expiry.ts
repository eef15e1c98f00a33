import type { Client } from 'aedes';
import type { Logger } from '@orderpulse/service-kit';
import { armExpiryTimer } from './expiry-timer.js';
import type { Session } from './sessions.js';

/** Arms the end of one authenticated connection's session. */
export type WatchExpiry = (client: Client, session: Session) => void;

export interface ExpiryWatchOptions {
  logger: Logger;
  /** Counts one connection closed because its token expired. */
  onExpired: () => void;
}

/**
 * MQTT 3.1.1 cannot re-authenticate an open connection, so when its token expires the broker
 * closes it; the client reconnects with a fresh token (a new connection, a new session and
 * timer, even under the same client id). The timer belongs to this connection, not to its
 * client id: it is cancelled when this connection closes, so it can never cut the connection
 * that took over the id.
 */
export function createExpiryWatch({ logger, onExpired }: ExpiryWatchOptions): WatchExpiry {
  return (client, session) => {
    // Gone while its token was being checked: no 'close' would come to cancel the timer.
    if (client.closed || client.conn.destroyed) return;
    const cancel = armExpiryTimer(session.expiresAtMs, () => {
      const { clientId, claims } = session;
      logger.info({ clientId, role: claims.role, sub: claims.sub, expiresAt: new Date(session.expiresAtMs).toISOString() }, 'token expired: connection closed');
      onExpired();
      client.close();
    });
    client.conn.once('close', cancel);
  };
}
