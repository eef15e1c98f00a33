/**
 * Who may do what on which topic. Pure (no sockets, no aedes types) so it is tested as a table.
 * Permissive for now: the security issue fills these in from DESIGN.md's "Who may do what".
 */
export interface Principal {
  role: 'anonymous';
  clientId: string;
  username?: string;
}

export type Decision = { allow: true } | { allow: false; reason: string };

const ALLOW: Decision = { allow: true };

function deny(reason: string): Decision {
  return { allow: false, reason };
}

/** `principal` is undefined for a will published after its client is gone. */
export function publishDecision(_principal: Principal | undefined, topic: string): Decision {
  // [MQTT-4.7.2-1] `$` topics belong to the server; aedes publishes its heartbeats under `$SYS/`.
  if (topic.startsWith('$SYS')) return deny('$SYS topics are reserved for the broker');
  return ALLOW;
}

export function subscribeDecision(_principal: Principal | undefined, _topicFilter: string): Decision {
  return ALLOW;
}

/** Runs for every delivery, retained messages included, so it must stay cheap. */
export function forwardDecision(_principal: Principal | undefined, _topic: string): Decision {
  return ALLOW;
}
