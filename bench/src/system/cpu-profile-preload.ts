/**
 * Preloaded into a service (NODE_OPTIONS=--require …) when BENCH_PROFILE names it: samples the
 * CPU with the inspector from start to exit and writes <dir>/<pid>.cpuprofile on exit (open it in
 * Chrome DevTools → Performance, or speedscope). --cpu-prof itself is not allowed in NODE_OPTIONS.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.once('exit', () => {
    // The in-process inspector session answers synchronously, so this completes before exit.
    session.post('Profiler.stop', (err, result) => {
      if (!err && result?.profile) writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
