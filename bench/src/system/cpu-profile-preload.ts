/**
 * Preloaded into a service (NODE_OPTIONS=--require …) when BENCH_PROFILE names it: samples the
 * CPU with the inspector and writes <dir>/<pid>[-<n>].cpuprofile (open it in Chrome DevTools →
 * Performance, or speedscope). By default from start to exit; with BENCH_PROFILE_ON_SIGNAL=1 only
 * between two SIGUSR2s (one window of a run, e.g. `kill -USR2 <pid>` at its start and end).
 * --cpu-prof itself is not allowed in NODE_OPTIONS.
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
  let running = false;
  let written = 0;
  const start = () => {
    session.post('Profiler.start');
    running = true;
  };
  // The in-process inspector session answers synchronously, so this completes before exit.
  const stop = () => {
    running = false;
    session.post('Profiler.stop', (err, result) => {
      if (err || !result?.profile) return;
      written += 1;
      writeFileSync(path.join(dir, `${process.pid}${written > 1 ? `-${written}` : ''}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  if (process.env.BENCH_PROFILE_ON_SIGNAL === '1') process.on('SIGUSR2', () => (running ? stop() : start()));
  else start();
  process.once('exit', () => {
    if (running) stop();
  });
}
