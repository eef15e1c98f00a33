import { spawnSync } from 'node:child_process';

export interface ComposeCli {
  /** e.g. `['docker', 'compose']` or `['docker-compose']`. */
  command: string[];
  version: string;
}

export type ComposeCliResolution = { cli: ComposeCli } | { skipReason: string };

function tryVersion(command: string[]): { version?: string; problem: string } {
  const [program, ...args] = command as [string, ...string[]];
  const run = spawnSync(program, [...args, 'version'], { encoding: 'utf8', timeout: 30_000 });
  if (run.error) return { problem: `${command.join(' ')}: ${(run.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not installed' : run.error.message}` };
  if (run.status !== 0) return { problem: `${command.join(' ')}: ${(run.stderr || run.stdout).trim().split('\n')[0]}` };
  return { version: run.stdout.trim().split('\n')[0] as string, problem: '' };
}

/**
 * A client that can run `compose config` offline (no Docker engine needed): the Docker CLI's
 * compose plugin, else the standalone docker-compose (v2, or Debian's v1 `docker-compose`).
 */
export function findComposeCli(): ComposeCliResolution {
  const problems: string[] = [];
  for (const command of [['docker', 'compose'], ['docker-compose']]) {
    const { version, problem } = tryVersion(command);
    if (version) return { cli: { command, version } };
    problems.push(problem);
  }
  return { skipReason: `no compose client can run \`config\` (${problems.join('; ')})` };
}

export interface ComposeConfigRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `<compose> --env-file <envFile> -f <file> [--profile …] config -q`, with exactly `env` as the
 * variables (plus PATH/HOME): a developer's own .env or shell settings cannot make it pass.
 */
export function runComposeConfig(
  cli: ComposeCli,
  options: { cwd: string; file: string; envFile: string; env: Record<string, string>; profiles?: string[] },
): ComposeConfigRun {
  const [program, ...base] = cli.command as [string, ...string[]];
  const args = [...base, '--env-file', options.envFile, '-f', options.file, ...(options.profiles ?? []).flatMap((profile) => ['--profile', profile]), 'config', '-q'];
  const env: Record<string, string> = { ...options.env };
  for (const key of ['PATH', 'HOME', 'DOCKER_CONFIG']) if (process.env[key]) env[key] ??= process.env[key] as string;
  const run = spawnSync(program, args, { cwd: options.cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { status: run.error ? null : run.status, stdout: run.stdout ?? '', stderr: run.error ? run.error.message : (run.stderr ?? '') };
}
