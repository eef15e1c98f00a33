import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import Router from '@koa/router';
import { z } from 'zod';
import {
  DomainError,
  StoreUnavailableError,
  createHttpApp,
  createLogger,
  createMetricsRegistry,
  listen,
  listenMetrics,
  validate,
  type RunningServer,
} from '../src/index.js';

describe('createHttpApp', () => {
  let server: RunningServer;
  let metricsServer: RunningServer;
  let ready = true;

  beforeAll(async () => {
    const registry = createMetricsRegistry('test');
    const app = createHttpApp({ logger: createLogger('test', 'silent'), registry, readiness: () => ({ amqp: ready }) });
    metricsServer = await listenMetrics(registry, 0, '127.0.0.1', createLogger('test', 'silent'));
    const router = new Router();
    router.post('/things', (ctx) => {
      const body = validate(z.object({ name: z.string().min(1), count: z.number().int() }), ctx.request.body);
      ctx.status = 201;
      ctx.body = body;
    });
    router.get('/things/:id', () => {
      throw new DomainError('not_found', 'no thing with that id');
    });
    router.put('/things/:id', () => {
      throw new DomainError('conflict', 'thing is frozen', { details: { allowed: [] } });
    });
    router.post('/things/:id', () => {
      throw new StoreUnavailableError('the thing store', 'connection refused');
    });
    router.get('/boom', () => {
      throw new Error('secret internals');
    });
    app.use(router.routes());
    server = await listen(app, 0);
  });
  afterAll(async () => {
    await server.close();
    await metricsServer.close();
  });

  const call = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${server.url}${path}`, init);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const post = (body: string) => call('/things', { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('when the body is valid, then the route answers', async () => {
    expect(await post('{"name":"a","count":1}')).toEqual({ status: 201, body: { name: 'a', count: 1 } });
  });

  it('when a field is wrong, then 400 names it', async () => {
    const res = await post('{"name":"a","count":"many"}');
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields[0].field).toBe('count');
    expect(res.body.error.message).toMatch(/count/);
  });

  it('when the body is not JSON, then 400 says so', async () => {
    const res = await post('{"name":');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/not valid JSON/);
  });

  it('when domain errors are thrown, then their kind gives the status and their code and details are kept', async () => {
    expect(await call('/things/1')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect(await call('/things/1', { method: 'PUT' })).toMatchObject({ status: 409, body: { error: { code: 'conflict', details: { allowed: [] } } } });
  });

  it('when the store is unavailable, then 503 with Retry-After and the store_unavailable code', async () => {
    const res = await fetch(`${server.url}/things/1`, { method: 'POST' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toEqual({
      error: { code: 'store_unavailable', message: 'the thing store did not answer (connection refused); retry in a few seconds' },
    });
  });

  it('when an unexpected error is thrown, then 500 hides the internals', async () => {
    const res = await call('/boom');
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toMatch(/secret/);
  });

  it('when no route matches, then 404 is JSON', async () => {
    expect(await call('/nowhere')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });

  it('when a dependency is down, then /readyz says which, while /healthz stays up', async () => {
    ready = false;
    expect(await call('/readyz')).toEqual({ status: 503, body: { status: 'not ready', checks: { amqp: false } } });
    expect((await call('/healthz')).status).toBe(200);
    ready = true;
    expect((await call('/readyz')).status).toBe(200);
  });

  it('when /metrics is asked on the public port, then it is a 404 with no metric in it', async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toMatch(/http_request_duration_seconds/);
  });

  it('when /metrics is scraped on the metrics port, then it is Prometheus text with request latency by route', async () => {
    await call('/things/1');
    const res = await fetch(`${metricsServer.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/things\/:id"/);
  });

  it('when the metrics port is asked anything but GET /metrics, then it is a 404', async () => {
    expect((await fetch(`${metricsServer.url}/healthz`)).status).toBe(404);
    expect((await fetch(`${metricsServer.url}/metrics`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${metricsServer.url}/metrics?x=1`)).status).toBe(200);
  });
});
