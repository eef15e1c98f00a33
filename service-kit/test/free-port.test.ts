import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { freePort, pickRange, reachableByFetch } from '../src/testing/index.js';

const ephemeralLow = (() => {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  } catch {
    return 32_768;
  }
})();

describe('freePort', () => {
  it('when asked, then it gives a port below the range outgoing connections take their ports from, and the port can be bound', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(ephemeralLow);
    }
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(ports[0], '127.0.0.1', () => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('when one process asks for many ports at once, as a system does before any child binds, then none is handed out twice', async () => {
    const ports = await Promise.all(Array.from({ length: 300 }, () => freePort()));
    expect(new Set(ports).size).toBe(300);
  });

  it('when the pick falls on a port fetch refuses ("bad port"), then it is not handed out', async () => {
    await expect(fetch('http://127.0.0.1:10080/')).rejects.toMatchObject({ cause: { message: 'bad port' } });
    expect(reachableByFetch(10_080)).toBe(false);
    expect(reachableByFetch(10_081)).toBe(true);
  });

  it('when Jest runs several workers, then each picks from a slice of its own', () => {
    const [low, high] = [10_000, 32_767];
    const slices = [1, 2, 3, 8].map((worker) => pickRange(low, high, String(worker)));
    expect(slices[0]![0]).toBe(low);
    for (let i = 1; i < slices.length; i += 1) expect(slices[i]![0]).toBeGreaterThan(slices[i - 1]![1]);
    expect(slices.at(-1)![1]).toBeLessThanOrEqual(high);
    expect(pickRange(low, high, String(9))).toEqual(slices[0]);
    expect(pickRange(low, high, '')).toEqual([low, high]); // outside Jest
  });
});
