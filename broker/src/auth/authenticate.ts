import type { Logger } from '@orderpulse/service-kit';
import type { AuthenticateHook } from './hook-types.js';
import type { Sessions } from './sessions.js';

export interface AuthenticateOptions {
  sessions: Sessions;
  logger: Logger;
}

/** Permissive until the security issue: every client is accepted and recorded as anonymous. */
export function createAuthenticate({ sessions, logger }: AuthenticateOptions): AuthenticateHook {
  return (client, username, _password, done) => {
    sessions.set(client, { role: 'anonymous', clientId: client.id, ...(username ? { username } : {}) });
    logger.debug({ clientId: client.id, username }, 'client authenticated');
    done(null, true);
  };
}
