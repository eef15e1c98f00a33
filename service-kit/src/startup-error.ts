import { DependencyUnavailableError } from './amqp/connection.js';
import { ConfigError } from './config.js';

type ListenError = NodeJS.ErrnoException & { port?: number; address?: string; hostname?: string };

/**
 * One line saying why a service could not start. A taken port is named by the setting that
 * chose it; config and dependency errors already carry a one-line, actionable message.
 */
export function describeStartupError(err: unknown, ports: Record<string, number> = {}): string {
  const e = err as ListenError | undefined;
  if (e?.code === 'EADDRINUSE' || e?.code === 'EACCES') {
    const setting = Object.entries(ports).find(([, value]) => value === e.port)?.[0];
    const where = `${e.address ?? 'the host'}:${e.port ?? '?'}`;
    if (e.code === 'EACCES') return `${where} may not be opened by this user: ${setting ? `set ${setting} to` : 'choose'} a port above 1023`;
    return `${where} is already in use: stop whatever holds it or ${setting ? `set ${setting} to another port` : 'choose another port'}`;
  }
  if (e?.code === 'EADDRNOTAVAIL' || e?.code === 'ENOTFOUND') {
    return `cannot listen on ${e.address ?? e.hostname ?? 'that address'}: no such local address; set HOST (or METRICS_HOST) to an address of this machine`;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * True when the error's message is the whole story (bad settings, a dependency that is not
 * there, a port or address the system refused); anything else is a bug whose stack is worth
 * logging.
 */
export function isExplainedStartupError(err: unknown): boolean {
  return err instanceof ConfigError || err instanceof DependencyUnavailableError || typeof (err as { code?: unknown })?.code === 'string';
}
