import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { availabilityDecision } from '../src/testing/suites.js';

const REPO_ROOT = resolve(__dirname, '../..');
const FIXTURES = join(__dirname, 'fixtures');
const REASON = 'the frobnicator is not installed (apt-get install frobnicator)';

/** Jest on the fixture alone, as `npm test` would run it, with or without CI=true. */
function runFixture(ci: boolean): { status: number | null; output: string } {
  const config = {
    rootDir: FIXTURES,
    testMatch: ['<rootDir>/needs-a-missing-tool.fixture.ts'],
    transform: { '^.+\\.ts$': ['@swc/jest', { module: { type: 'commonjs' }, jsc: { target: 'es2022' } }] },
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  };
  const env: NodeJS.ProcessEnv = { ...process.env, CI: ci ? 'true' : '' };
  delete env.JEST_WORKER_ID;
  const run = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/jest/bin/jest.js'), '--config', JSON.stringify(config), '--ci', '--colors=false'], {
    cwd: REPO_ROOT,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

describe('describeIfAvailable and itIfAvailable: a missing dependency never hides in CI', () => {
  it('when the dependency is there, then the suite runs, in CI or not', () => {
    expect(availabilityDecision('suite', undefined, { CI: 'true' })).toEqual({ action: 'run' });
    expect(availabilityDecision('suite', undefined, {})).toEqual({ action: 'run' });
  });

  it('when it is missing and CI=true, then the suite fails with the reason; elsewhere it is skipped with the reason printed', () => {
    expect(availabilityDecision('suite', REASON, { CI: 'true' })).toEqual({
      action: 'fail',
      message: `suite: needs a dependency that is missing in CI: ${REASON}`,
    });
    expect(availabilityDecision('suite', REASON, {})).toEqual({ action: 'skip', message: `[suite] SKIPPED: ${REASON}` });
    // Only CI=true counts as CI (what .ci/run is given), not any value.
    expect(availabilityDecision('suite', REASON, { CI: 'false' })).toMatchObject({ action: 'skip' });
  });

  it('when Jest runs a file whose tool is missing with CI=true, then the run fails and names what is missing', () => {
    const { status, output } = runFixture(true);
    expect(status).toBe(1);
    expect(output).toContain(`a suite that needs the frobnicator: needs a dependency that is missing in CI: ${REASON}`);
    expect(output).toContain(`a test that needs the frobnicator: needs a dependency that is missing in CI: ${REASON}`);
    expect(output).toMatch(/Tests:\s+2 failed, 1 passed, 3 total/);
    expect(output).not.toContain('body ran');
  }, 60_000);

  it('when Jest runs the same file locally, then it passes with both skipped and says why', () => {
    const { status, output } = runFixture(false);
    expect(status).toBe(0);
    expect(output).toContain(`[a suite that needs the frobnicator] SKIPPED: ${REASON}`);
    expect(output).toContain(`[a test that needs the frobnicator] SKIPPED: ${REASON}`);
    expect(output).toMatch(/Tests:\s+2 skipped, 1 passed, 3 total/);
  }, 60_000);
});
