import type { Aedes } from 'aedes';
import type { PersistentSessions } from './persistent-sessions.js';

/**
 * With several brokers (mqemitter-redis), aedes announces every client it registers on
 * `$SYS/<broker id>/new/clients` (payload: the client id) and the others close their connection
 * with that id. A session that went offline here and came back on another broker is that
 * broker's to expire from now on: forget it here, so this broker never wipes a session in use.
 */
export function forgetSessionsTakenElsewhere(aedes: Aedes, sessions: PersistentSessions): Promise<void> {
  return new Promise((resolve) => {
    aedes.subscribe(
      '$SYS/+/new/clients',
      (packet, done) => {
        if (packet.topic.split('/')[1] !== aedes.id) sessions.forget(packet.payload.toString());
        done();
      },
      resolve,
    );
  });
}
