import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@orderpulse/service-kit/testing';
import { REPO_ROOT } from '../harness/paths.js';
import { startServiceProcess, type ServiceProcess } from '../harness/service-process.js';
import { httpsRequest } from './https-request.js';
import { toolMissing } from './tool-missing.js';

/** The Caddyfile docker-compose.yml mounts into its `proxy` service. */
export const CADDYFILE = join(REPO_ROOT, 'deploy/Caddyfile');

/** Why the proxy cannot run here, or undefined when `caddy` is on the PATH. */
export const caddyMissing = (): string | undefined => toolMissing('caddy', 'Debian: apt-get install caddy; .ci/run installs it');

export interface TlsProxyPorts {
  /** `https://localhost:<httpsPort>`: the site, its APIs under /api/orders and /api/delivery, and wss://…/mqtt. */
  origin: string;
  httpsPort: number;
  /** Plain HTTP, which only redirects to `origin`. */
  httpPort: number;
  healthPort: number;
}

/** Free ports for the proxy, known before anything starts (the web-client hands its URLs to browsers). */
export async function tlsProxyPorts(): Promise<TlsProxyPorts> {
  const [httpsPort, httpPort, healthPort] = [await freePort(), await freePort(), await freePort()];
  return { origin: `https://localhost:${httpsPort}`, httpsPort, httpPort, healthPort };
}

export interface TlsProxyOptions {
  ports: TlsProxyPorts;
  /**
   * A given certificate (TLS_MODE=files, SITE_ADDRESS the origin), or `auto`: TLS_MODE=auto for
   * SITE_ADDRESS=localhost, as compose runs it by default, where Caddy issues one from its own CA.
   */
  certificate: { certFile: string; keyFile: string } | 'auto';
  /** Where the deploy/Caddyfile routes each path, as host:port. */
  upstreams: { web: string; orders: string; delivery: string; brokerWs: string; mail?: string };
  onLine?: (name: string, line: string) => void;
}

export interface RunningTlsProxy extends TlsProxyPorts {
  process: ServiceProcess;
  /** The CA a client must trust: the given one's issuer is the caller's; with `auto`, Caddy's local root. */
  caddyRoot?: Buffer;
}

/**
 * Caddy running deploy/Caddyfile, as compose runs it, on free ports, with no admin endpoint and a
 * throw-away data folder, in front of the given upstreams. Resolves once it serves TLS.
 */
export async function startTlsProxy(options: TlsProxyOptions): Promise<RunningTlsProxy> {
  const { origin, httpsPort, httpPort, healthPort } = options.ports;
  const home = mkdtempSync(join(tmpdir(), 'orderpulse-caddy-'));
  const tls: Record<string, string> =
    options.certificate === 'auto'
      ? { SITE_ADDRESS: 'localhost', TLS_MODE: 'auto' }
      : { SITE_ADDRESS: origin, TLS_MODE: 'files', TLS_CERT_FILE: options.certificate.certFile, TLS_KEY_FILE: options.certificate.keyFile };
  const process = await startServiceProcess({
    name: 'proxy',
    entry: CADDYFILE,
    command: { file: 'caddy', args: ['run', '--config', CADDYFILE, '--adapter', 'caddyfile'] },
    env: {
      ...tls,
      HTTPS_PORT: String(httpsPort),
      HTTP_PORT: String(httpPort),
      HEALTH_PORT: String(healthPort),
      CADDY_ADMIN: 'off',
      WEB_UPSTREAM: options.upstreams.web,
      ORDERS_UPSTREAM: options.upstreams.orders,
      DELIVERY_UPSTREAM: options.upstreams.delivery,
      BROKER_WS_UPSTREAM: options.upstreams.brokerWs,
      ...(options.upstreams.mail ? { MAIL_UPSTREAM: options.upstreams.mail } : {}),
      HOME: home,
      XDG_DATA_HOME: join(home, 'data'),
      XDG_CONFIG_HOME: join(home, 'config'),
    },
    readyUrl: `http://127.0.0.1:${healthPort}/healthz`,
    ...(options.onLine ? { onLine: options.onLine } : {}),
  });
  if (options.certificate !== 'auto') return { process, ...options.ports };
  try {
    // Caddy makes its local CA and the localhost certificate just after start.
    const rootFile = join(home, 'data/caddy/pki/authorities/local/root.crt');
    const caddyRoot = await waitFor(() => existsSync(rootFile) && readFileSync(rootFile), 'Caddy’s local CA', 15_000);
    await waitFor(
      async () => (await httpsRequest(`${origin}/api/orders/healthz`, caddyRoot).catch(() => undefined))?.status === 200,
      'TLS through the proxy',
      15_000,
    );
    return { process, ...options.ports, caddyRoot };
  } catch (err) {
    await process.stop();
    throw err;
  }
}
