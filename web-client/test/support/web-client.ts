import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLogger } from '@orderpulse/service-kit';
import { loadWebClientConfig, startWebClient, type StartedWebClient } from '../../src/server/index.js';

export const PUBLIC_DIR = resolve(__dirname, '../../dist/public');

/** The browser apps must be built first; say how instead of failing obscurely. */
export function assertAppsBuilt(): void {
  if (!existsSync(resolve(PUBLIC_DIR, 'track/index.html'))) {
    throw new Error(`no built apps in ${PUBLIC_DIR}: run \`npm run build --workspace web-client\` before these tests`);
  }
}

export function startTestWebClient(env: Record<string, string> = {}): Promise<StartedWebClient> {
  assertAppsBuilt();
  const config = loadWebClientConfig({ WEB_PORT: '0', METRICS_PORT: '0', LOG_LEVEL: 'silent', ...env });
  return startWebClient(config, createLogger('web-client', 'silent'));
}
