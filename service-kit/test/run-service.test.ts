import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, it, expect } from '@jest/globals';
import { DEV_JWT_SECRET } from '../src/index.js';
import { waitFor } from '../src/testing/index.js';

const FIXTURE = join(__dirname, 'fixtures/run-service-main.js');
const SECRET = 'a-secret-that-is-long-enough-for-the-fixture';
type Line = Record<string, unknown>;

/** The fixture service as its own process with exactly `env`; its JSON log lines as they come. */
function runFixture(env: Record<string, string>) {
  if (!existsSync(join(__dirname, '../dist/index.js'))) throw new Error('service-kit/dist is missing: run `npx tsc -b service-kit` first');
  const child = spawn(process.execPath, [FIXTURE], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Line[] = [];
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const complete = (pending + chunk.toString('utf8')).split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) if (line.trim()) lines.push(JSON.parse(line) as Line);
  });
  // 'close', not 'exit': by then every line the process wrote has been read.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, lines, exited };
}

describe('runService: one way to start, report and stop a service', () => {
  const running: Array<ReturnType<typeof runFixture>> = [];
  const start = (env: Record<string, string>) => {
    const fixture = runFixture(env);
    running.push(fixture);
    return fixture;
  };
  let holder: Server | undefined;
  afterEach(async () => {
    for (const fixture of running.splice(0)) {
      if (fixture.child.exitCode === null) fixture.child.kill('SIGKILL');
      await fixture.exited;
    }
    holder?.close();
    holder = undefined;
  });
  const fatal = (lines: Line[]) => lines.filter((l) => l.level === 'fatal');

  it('when a setting is invalid, then it exits 1 with one fatal line naming it, and no stack', async () => {
    const fixture = start({ FIXTURE_PORT: 'lots', JWT_SECRET: SECRET });
    expect(await fixture.exited).toBe(1);
    expect(fatal(fixture.lines)).toEqual([
      expect.objectContaining({ service: 'fixture', msg: expect.stringMatching(/^fixture cannot start: invalid configuration: FIXTURE_PORT: /) }),
    ]);
    expect(fatal(fixture.lines)[0]).not.toHaveProperty('stack');
  });

  it('when the port is taken, then the fatal line names the setting that chose it', async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder!.listen(0, '127.0.0.1', resolve));
    const taken = (holder.address() as { port: number }).port;
    const fixture = start({ FIXTURE_PORT: String(taken), JWT_SECRET: SECRET });
    expect(await fixture.exited).toBe(1);
    expect(fatal(fixture.lines).map((l) => l.msg)).toEqual([
      `fixture cannot start: 127.0.0.1:${taken} is already in use: stop whatever holds it or set FIXTURE_PORT to another port`,
    ]);
  });

  it('when a dependency is not there, then its own one-line message is the fatal line', async () => {
    const fixture = start({ FIXTURE_FAILS: 'dependency', JWT_SECRET: SECRET });
    expect(await fixture.exited).toBe(1);
    expect(fatal(fixture.lines)).toEqual([expect.objectContaining({ msg: 'fixture cannot start: RabbitMQ is not reachable at amqp://nowhere: start it' })]);
    expect(fatal(fixture.lines)[0]).not.toHaveProperty('stack');
  });

  it('when start-up fails in a way nobody explained (a bug), then the fatal line carries the stack', async () => {
    const fixture = start({ FIXTURE_FAILS: 'bug', JWT_SECRET: SECRET });
    expect(await fixture.exited).toBe(1);
    expect(fatal(fixture.lines)).toEqual([
      expect.objectContaining({
        msg: 'fixture cannot start: settings.map is not a function',
        stack: expect.stringMatching(/^TypeError: settings.map is not a function\n\s+at /),
      }),
    ]);
  });

  it("when JWT_SECRET is the development default, then it warns once in the service's words, naming the setting; production refuses it", async () => {
    const dev = start({});
    await waitFor(() => dev.lines.some((l) => l.msg === 'fixture listening'), 'the fixture to listen');
    expect(dev.lines.filter((l) => l.level === 'warn')).toEqual([
      expect.objectContaining({ setting: 'JWT_SECRET', msg: 'JWT_SECRET is the development default: the fixture says so' }),
    ]);
    const production = start({ NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET });
    expect(await production.exited).toBe(1);
    expect(fatal(production.lines)[0]!.msg).toMatch(/^fixture cannot start: invalid configuration: JWT_SECRET: the development default may not be used/);
    const set = start({ NODE_ENV: 'production', JWT_SECRET: SECRET });
    await waitFor(() => set.lines.some((l) => l.msg === 'fixture listening'), 'the fixture to listen');
    expect(set.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('when it gets %s, then it closes what it opened, last opened first, and exits 0', async (signal) => {
    const fixture = start({ JWT_SECRET: SECRET });
    await waitFor(() => fixture.lines.some((l) => l.msg === 'fixture listening'), 'the fixture to listen');
    fixture.child.kill(signal);
    expect(await fixture.exited).toBe(0);
    // pino writes asynchronously and flushes on exit, so lines may come out of order: compare without it.
    expect(fixture.lines.filter((l) => l.msg === 'shutting down')).toEqual([expect.objectContaining({ signal })]);
    expect(fixture.lines.filter((l) => l.closer).map((l) => l.closer)).toEqual(['HTTP server', 'store']);
    expect(fixture.lines.filter((l) => l.msg === 'shutdown complete')).toHaveLength(1);
  });
});
