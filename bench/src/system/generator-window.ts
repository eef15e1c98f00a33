import type { GeneratorPool } from '../lib/index.js';
import { ProcessWindow } from './server-processes.js';
import type { SystemUnderTest } from './system-under-test.js';

/** CPU and RSS windows over the system's processes, the bench itself and each generator process. */
export function generatorWindow(sut: SystemUnderTest, pool: GeneratorPool): ProcessWindow {
  const generatorPids = pool.pids();
  return new ProcessWindow(() => {
    const pids: Record<string, number | undefined> = { ...sut.pids(), bench: process.pid };
    generatorPids.forEach((pid, i) => (pids[`generator${i}`] = pid));
    return pids;
  });
}
