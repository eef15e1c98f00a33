import type { Client } from 'aedes';
import type { Principal } from './topic-rules.js';

/** Who each connected client authenticated as; entries go with their client. */
export type Sessions = WeakMap<Client, Principal>;

export function createSessions(): Sessions {
  return new WeakMap();
}
