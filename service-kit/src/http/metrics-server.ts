import { createServer } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import { listenServer, type RunningServer } from './listen.js';

/**
 * Prometheus text at `GET /metrics`, on a port of its own (METRICS_PORT), so the public API never
 * serves it; anything else on that port is a 404.
 */
export function listenMetrics(registry: Registry, port: number, host: string, logger: Logger): Promise<RunningServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'not_found', message: 'this port serves GET /metrics only' } }));
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      (err: Error) => {
        logger.error({ err: err.message }, 'could not collect metrics');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('could not collect metrics; the details are in the service log');
      },
    );
  });
  return listenServer(server, port, host);
}
