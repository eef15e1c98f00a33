import { expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { HTTP_KEEP_ALIVE_TIMEOUT_MS } from '@orderpulse/service-kit';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import { CADDYFILE, caddyMissing } from '../src/tls/index.js';

interface ReverseProxy {
  upstreams: Array<{ dial: string }>;
  transport?: { keep_alive?: { idle_timeout?: number } };
}

/** Every reverse_proxy handler in Caddy's own JSON for deploy/Caddyfile (as `caddy adapt` gives it, defaults filled in). */
function reverseProxies(): ReverseProxy[] {
  const json = execFileSync('caddy', ['adapt', '--config', CADDYFILE, '--adapter', 'caddyfile'], {
    encoding: 'utf8',
    env: { ...process.env, TLS_MODE: 'auto' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const found: ReverseProxy[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      if ((node as { handler?: unknown }).handler === 'reverse_proxy') found.push(node as ReverseProxy);
      Object.values(node).forEach(walk);
    }
  };
  walk(JSON.parse(json));
  return found;
}

describeIfAvailable('deploy/Caddyfile', caddyMissing(), () => {
  it("when the proxy keeps idle connections to an upstream, then it closes them before the service's keep-alive ends, so no request goes out on a closing connection", () => {
    const proxies = reverseProxies();

    expect(proxies.map((p) => p.upstreams.map((u) => u.dial).join()).sort()).toEqual([
      'broker:8083',
      'delivery-service:3002',
      'mail-service:3005',
      'orders-service:3001',
      'web-client:3000',
    ]);
    // Unset means Caddy's default, two minutes. A second's margin under the services' own timeout.
    const limitMs = HTTP_KEEP_ALIVE_TIMEOUT_MS - 1_000;
    for (const proxy of proxies) {
      const idleNs = proxy.transport?.keep_alive?.idle_timeout;
      const idleMs = idleNs === undefined ? 120_000 : idleNs / 1e6;
      expect({ upstream: proxy.upstreams[0]!.dial, idleMs, underLimit: idleMs <= limitMs }).toEqual({
        upstream: proxy.upstreams[0]!.dial,
        idleMs,
        underLimit: true,
      });
    }
  });
});
