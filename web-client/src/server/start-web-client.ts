import { CloserStack, createMetricsRegistry, listen, listenMetrics, type Logger } from '@orderpulse/service-kit';
import { assertAppsBuilt, defaultPublicDir } from './assets.js';
import { BROWSER_APPS } from './browser-apps.js';
import type { WebClientConfig } from './config.js';
import { createWebClientApp } from './web-client-app.js';

export interface StartedWebClient {
  port: number;
  url: string;
  /** Prometheus text at `<metricsUrl>` (METRICS_PORT), never on the web port. */
  metricsUrl: string;
  close(): Promise<void>;
}

export interface StartWebClientOptions {
  /** Where Vite put the apps; defaults to this package's `dist/public`. */
  publicDir?: string;
}

/** Checks the apps are built, then listens on `WEB_PORT` and METRICS_PORT (0 picks a free port). */
export async function startWebClient(config: WebClientConfig, logger: Logger, options: StartWebClientOptions = {}): Promise<StartedWebClient> {
  const publicDir = options.publicDir ?? defaultPublicDir();
  await assertAppsBuilt(publicDir, BROWSER_APPS);
  const registry = createMetricsRegistry('web-client');
  const closers = new CloserStack(logger);
  try {
    const running = await listen(createWebClientApp({ config, logger, publicDir, registry }), config.WEB_PORT, config.HOST);
    closers.add('HTTP server', () => running.close());
    const metrics = await listenMetrics(registry, config.METRICS_PORT, config.METRICS_HOST, logger);
    closers.add('metrics server', () => metrics.close());
    return { port: running.port, url: running.url, metricsUrl: `${metrics.url}/metrics`, close: () => closers.closeAll() };
  } catch (err) {
    await closers.closeAll();
    throw err;
  }
}
