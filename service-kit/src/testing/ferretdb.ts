import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, isPortOpen } from './probe.js';
import { waitFor } from './wait-for.js';

/** scripts/install-ferretdb.sh, found from this file in src/ or dist/. */
const INSTALL_SCRIPT = resolve(__dirname, '../../../scripts/install-ferretdb.sh');

/**
 * The FerretDB binary the tests start, building it once (about a minute) when it is missing.
 * `FERRETDB_BIN` names one already built. Throws with the installer's own words when it cannot.
 */
export function ensureFerretDbBinary(env: Record<string, string | undefined> = process.env): string {
  if (env.FERRETDB_BIN) {
    if (!existsSync(env.FERRETDB_BIN)) throw new Error(`FERRETDB_BIN=${env.FERRETDB_BIN} does not exist`);
    return env.FERRETDB_BIN;
  }
  const result = spawnSync('bash', [INSTALL_SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const path = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !path || !existsSync(path)) {
    throw new Error(`FerretDB could not be installed (scripts/install-ferretdb.sh exited ${result.status ?? result.signal})`);
  }
  return path;
}

export function ferretDbVersion(binary: string): string {
  const out = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout ?? '';
  return /version:\s*(\S+)/.exec(out)?.[1] ?? 'unknown version';
}

export interface FerretDbOptions {
  binary: string;
  /** Defaults to a free port; a restart keeps the port. */
  port?: number;
  /** Its state (and SQLite files, without `postgresUrl`); defaults to a fresh temporary directory, removed by stop(). */
  dataDir?: string;
  /**
   * Store in this PostgreSQL (one schema per MongoDB database) instead of SQLite files: several
   * times faster under concurrent writes, where FerretDB's SQLite backend answers
   * "database is locked" after long waits.
   */
  postgresUrl?: string;
  /**
   * Its PostgreSQL connections (default 40). FerretDB 1.24 wedges for good when more operations
   * reach it at once than it has connections, so clients must stay below this; and PostgreSQL
   * allows 100 connections in all, shared by every FerretDB the tests start.
   */
  postgresPoolSize?: number;
}

/** One FerretDB process on 127.0.0.1; tests may kill and restart it. */
export interface RunningFerretDb {
  url: string;
  port: number;
  version: string;
  backend: 'postgresql' | 'sqlite';
  /** The running process's pid (undefined while killed). */
  readonly pid: number | undefined;
  /** SIGKILL, as a crash would; the data stays. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data after kill(). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((done) => child.once('exit', () => done()));
}

function withPoolSize(url: string, size: number): string {
  const parsed = new URL(url);
  parsed.searchParams.set('pool_max_conns', String(size));
  return parsed.toString();
}

/**
 * The most operations a test client should have in flight at once against one FerretDB
 * (MONGO_MAX_POOL_SIZE of each service the harness starts on it); see postgresPoolSize.
 */
export const FERRETDB_CLIENT_POOL_SIZE = 8;

export async function startFerretDb(options: FerretDbOptions): Promise<RunningFerretDb> {
  const port = options.port ?? (await freePort());
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'ferretdb-'));
  const version = ferretDbVersion(options.binary);
  let child: ChildProcess | undefined;
  let output = '';

  const launch = async () => {
    output = '';
    const started = spawn(
      options.binary,
      [
        ...(options.postgresUrl
          ? ['--handler=pg', `--postgresql-url=${withPoolSize(options.postgresUrl, options.postgresPoolSize ?? 40)}`]
          : ['--handler=sqlite', `--sqlite-url=file:${dataDir}/`]),
        `--listen-addr=127.0.0.1:${port}`,
        `--state-dir=${dataDir}`,
        '--telemetry=disable',
        // Its debug HTTP listener would take 127.0.0.1:8088 and collide with a second instance.
        '--debug-addr=-',
        '--log-level=error',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    started.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-2_000);
    });
    child = started;
    await waitFor(
      async () => {
        if (started.exitCode !== null) throw new Error(`FerretDB exited with ${started.exitCode}: ${output.trim()}`);
        return isPortOpen('127.0.0.1', port, 200);
      },
      `FerretDB to answer on 127.0.0.1:${port}`,
      15_000,
      50,
    );
  };

  const kill = async () => {
    if (!child) return;
    const running = child;
    child = undefined;
    running.kill('SIGKILL');
    await exited(running);
  };

  await launch();
  return {
    url: `mongodb://127.0.0.1:${port}/`,
    port,
    version,
    backend: options.postgresUrl ? 'postgresql' : 'sqlite',
    get pid() {
      return child?.pid;
    },
    kill,
    restart: launch,
    async stop() {
      await kill();
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
