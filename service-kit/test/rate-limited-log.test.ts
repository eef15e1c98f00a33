import { describe, it, expect } from '@jest/globals';
import { createRateLimitedLog } from '../src/rate-limited-log.js';
import { captureLogger } from '../src/testing/capture-logger.js';

function setup(linesPerSecond: number) {
  const log = captureLogger('info');
  let nowMs = 1_000_000;
  const suppressed: string[] = [];
  const limited = createRateLimitedLog({ logger: log.logger, linesPerSecond, now: () => nowMs, onSuppressed: (key) => suppressed.push(key) });
  return { log, limited, suppressed, advance: (ms: number) => (nowMs += ms) };
}

describe('rate-limited log lines', () => {
  it('when 200 lines of one reason come at once, then only the budget is written and one summary line counts the rest', () => {
    const { log, limited, suppressed } = setup(10);
    for (let i = 0; i < 200; i += 1) limited.write('warn', 'connect_token_invalid', { i }, 'connect refused');
    limited.flush();
    expect(log.lines.filter((l) => l.msg === 'connect refused')).toHaveLength(10);
    expect(log.lines.filter((l) => l.msg === 'suppressed log lines')).toEqual([expect.objectContaining({ reason: 'connect_token_invalid', suppressed: 190 })]);
    expect(suppressed).toHaveLength(190);
  });

  it('when one reason floods, then another reason still gets its own lines', () => {
    const { log, limited } = setup(2);
    for (let i = 0; i < 50; i += 1) limited.write('warn', 'packet_too_large', {}, 'too large');
    limited.write('warn', 'publish_not_authorized', {}, 'publish refused');
    expect(log.lines.filter((l) => l.msg === 'publish refused')).toHaveLength(1);
  });

  it('when time passes, then the budget refills at the configured rate, never beyond one second of lines', () => {
    const { log, limited, advance } = setup(4);
    for (let i = 0; i < 4; i += 1) limited.write('warn', 'r', {}, 'line');
    expect(limited.write('warn', 'r', {}, 'line')).toBe(false);
    advance(500);
    expect([limited.write('warn', 'r', {}, 'line'), limited.write('warn', 'r', {}, 'line'), limited.write('warn', 'r', {}, 'line')]).toEqual([
      true,
      true,
      false,
    ]);
    advance(60_000);
    const afterQuiet = Array.from({ length: 6 }, () => limited.write('warn', 'r', {}, 'line'));
    expect(afterQuiet).toEqual([true, true, true, true, false, false]);
    expect(log.lines.filter((l) => l.msg === 'line')).toHaveLength(10);
  });

  it('when nothing was left out, then flushing writes nothing', () => {
    const { log, limited } = setup(5);
    limited.write('info', 'session_expired', {}, 'persistent session expired');
    limited.flush();
    expect(log.lines.map((l) => l.msg)).toEqual(['persistent session expired']);
  });
});
