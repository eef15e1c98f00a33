/**
 * One line saying why a service could not start. A taken port is named by the setting that
 * chose it; config and dependency errors already carry a one-line, actionable message.
 */
export function describeStartupError(err: unknown, ports: Record<string, number> = {}): string {
  const e = err as (NodeJS.ErrnoException & { port?: number; address?: string }) | undefined;
  if (e?.code === 'EADDRINUSE' || e?.code === 'EACCES') {
    const setting = Object.entries(ports).find(([, value]) => value === e.port)?.[0];
    const where = `${e.address ?? 'the host'}:${e.port ?? '?'}`;
    const problem = e.code === 'EADDRINUSE' ? 'is already in use' : 'may not be opened by this user';
    const fix = setting ? `set ${setting} to another port` : 'choose another port';
    return `${where} ${problem}: stop whatever holds it or ${fix}`;
  }
  return err instanceof Error ? err.message : String(err);
}
