import { spawnSync } from 'node:child_process';

export interface ComposeCli {
  /** e.g. `['docker', 'compose']` or `['docker-compose']`. */
  command: string[];
  version: string;
}

export type ComposeCliResolution = { cli: ComposeCli } | { missing: string };

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
  return { missing: `no compose client can run \`config\` (${problems.join('; ')}; Debian: apt-get install docker-compose, which .ci/run does)` };
}

export interface ComposeConfigRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface ComposeConfigOptions {
  file: string;
  /** Always given, so a developer's own `.env` next to the file is never read. */
  envFile: string;
  /** Exactly the variables compose sees (plus PATH/HOME): shell settings cannot make it pass. */
  env: Record<string, string>;
  profiles?: string[];
  /** After `config`: `-q` validates only, `--profiles` lists the profiles. */
  configArgs?: string[];
}

/** `<compose> --env-file <envFile> -f <file> [--profile …] config [configArgs]`: compose's own parsing, validation and interpolation. */
export function runComposeConfig(cli: ComposeCli, options: ComposeConfigOptions): ComposeConfigRun {
  const [program, ...base] = cli.command as [string, ...string[]];
  const profiles = (options.profiles ?? []).flatMap((profile) => ['--profile', profile]);
  const args = [...base, '--env-file', options.envFile, '-f', options.file, ...profiles, 'config', ...(options.configArgs ?? [])];
  const env: Record<string, string> = { ...options.env };
  for (const key of ['PATH', 'HOME', 'DOCKER_CONFIG']) if (process.env[key]) env[key] ??= process.env[key] as string;
  const run = spawnSync(program, args, { env, encoding: 'utf8', timeout: 60_000 });
  return { status: run.error ? null : run.status, stdout: run.stdout ?? '', stderr: run.error ? run.error.message : (run.stderr ?? '') };
}
