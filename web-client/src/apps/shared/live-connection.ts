import type { Role } from '@orderpulse/contracts';
import { LiveClient } from './mqtt-live-client.js';

export interface LiveConnectionOptions {
  url: string;
  /** The broker wants the token's role as the MQTT username. */
  role: Exclude<Role, 'service'>;
  token: string;
  clientIdPrefix: string;
}

/** The admin console gets every order's messages: at QoS 0 it sends no PUBACK for each (see LiveClientOptions.subscribeQos). */
export function subscribeQosFor(role: LiveConnectionOptions['role']): 0 | 1 {
  return role === 'admin' ? 0 : 1;
}

/**
 * A LiveClient that authenticates with a token and reports dropped messages on the console.
 * Refusals and denials are left to the page: what they mean differs per app.
 */
export function openLiveConnection({ url, role, token, clientIdPrefix }: LiveConnectionOptions): LiveClient {
  const client = new LiveClient({ url, clientIdPrefix, username: role, password: token, subscribeQos: subscribeQosFor(role) });
  client.on('invalid', (topic, reason) => console.warn(`ignored an invalid message on ${topic}: ${reason}`));
  client.on('stale', (topic, version, latest) => console.info(`ignored stale message on ${topic}: version ${version}, showing version ${latest}`));
  client.on('error', (error) => console.warn(`live updates: ${error.message}`));
  return client;
}
