import type { PreConnectHook } from './pre-connect.js';

/** Why a CONNECT's keepalive was replaced. */
export type KeepaliveCapped = 'zero' | 'above_max';

/**
 * A keepalive of 0 (never check) or above `maxSeconds` is replaced by `maxSeconds` before aedes
 * arms its idle timer ([MQTT-3.1.2-24]: no packet for 1.5 × keepalive closes the connection), so
 * every connection, persistent sessions included, ends within 1.5 × maxSeconds of going silent.
 * MQTT 3.1.1 cannot tell the client (its CONNACK has no keepalive field): a client that asked
 * for 0 and stays silent longer is disconnected, and mqtt.js and Mosquitto reconnect. Refusing
 * instead would need CONNACK code 6, which 3.1.1 clients do not know.
 */
export function boundKeepalive(maxSeconds: number, onCapped: (why: KeepaliveCapped) => void): PreConnectHook {
  return (_client, packet, done) => {
    const asked = packet.keepalive;
    if (!asked || asked > maxSeconds) {
      onCapped(asked ? 'above_max' : 'zero');
      packet.keepalive = maxSeconds;
    }
    done(null, true);
  };
}
