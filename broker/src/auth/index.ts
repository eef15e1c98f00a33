import type { Logger } from '@orderpulse/service-kit';
import { createAuthenticate } from './authenticate.js';
import { createAuthorizeForward } from './authorize-forward.js';
import { createAuthorizePublish } from './authorize-publish.js';
import { createAuthorizeSubscribe } from './authorize-subscribe.js';
import type { AuthHooks, RefusalReason } from './hook-types.js';
import { createSessions } from './sessions.js';

export type { AuthHooks, RefusalReason } from './hook-types.js';
export * from './topic-rules.js';

export interface AuthHooksOptions {
  logger: Logger;
  maxPayloadBytes: number;
  onRefused?: (reason: RefusalReason) => void;
}

/** The four aedes hooks, sharing one record of who each client authenticated as. */
export function createAuthHooks({ logger, maxPayloadBytes, onRefused = () => undefined }: AuthHooksOptions): AuthHooks {
  const sessions = createSessions();
  return {
    authenticate: createAuthenticate({ sessions, logger }),
    authorizePublish: createAuthorizePublish({ sessions, logger, maxPayloadBytes, onRefused }),
    authorizeSubscribe: createAuthorizeSubscribe({ sessions, logger, onRefused }),
    authorizeForward: createAuthorizeForward({ sessions, logger }),
  };
}
