import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OrderSnapshot } from '@orderpulse/contracts';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

export const STUB_ADMIN = { username: 'admin', password: 'right-password', token: 'stub-admin-token' };

export interface StubOrdersApi {
  url: string;
  readonly requests: RecordedRequest[];
  /** Serves `snapshot` at `GET /orders/:id` to the bearer of `token` (and the admin); anyone else gets 403. */
  put(snapshot: OrderSnapshot, token: string): void;
  /** The next `PATCH /orders/:id/status` answers 409 with these details. */
  refuseNextChange(details: { from: string; to: string; allowed: string[] }): void;
  close(): Promise<void>;
}

/**
 * Stands in for orders-service (and delivery-service's riders and deliveries, empty) in these
 * browser tests: login, listing, one order with the customer's or the admin's token, status
 * changes and tracking lookups, with CORS and the services' error shape.
 */
export async function startStubOrdersApi(): Promise<StubOrdersApi> {
  const orders = new Map<string, { snapshot: OrderSnapshot; token: string }>();
  const requests: RecordedRequest[] = [];
  let refusal: { from: string; to: string; allowed: string[] } | undefined;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: string, message: string) => send(res, status, { error: { code, message } });
  const readBody = async (req: IncomingMessage) => {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    return JSON.parse(text || '{}') as Record<string, unknown>;
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://stub').pathname;
    requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization });
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-origin': '*',
        'access-control-allow-headers': 'Authorization, Content-Type',
        'access-control-allow-methods': 'GET, POST, PATCH, OPTIONS',
      });
      res.end();
      return;
    }
    const isAdmin = req.headers.authorization === `Bearer ${STUB_ADMIN.token}`;
    const orderMatch = /^\/orders\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && orderMatch?.[1]) {
      const entry = orders.get(orderMatch[1]);
      if (!req.headers.authorization) return error(res, 401, 'unauthorized', 'a valid bearer token is required');
      if (!entry || (!isAdmin && req.headers.authorization !== `Bearer ${entry.token}`)) return error(res, 403, 'forbidden', 'this token may not do that');
      return send(res, 200, entry.snapshot);
    }
    if (req.method === 'POST' && path === '/auth/login') {
      void readBody(req).then((body) => {
        if (body.username !== STUB_ADMIN.username || body.password !== STUB_ADMIN.password)
          return error(res, 401, 'unauthorized', 'wrong username or password');
        return send(res, 200, { token: STUB_ADMIN.token, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), role: 'admin' });
      });
      return;
    }
    if (!isAdmin && (path === '/orders' || path === '/riders' || path === '/deliveries' || path.endsWith('/status')))
      return error(res, 401, 'unauthorized', 'admin only');
    if (req.method === 'GET' && path === '/orders') return send(res, 200, { items: [...orders.values()].map((o) => o.snapshot), nextCursor: null });
    if (req.method === 'GET' && (path === '/riders' || path === '/deliveries')) return send(res, 200, { items: [] });
    if (req.method === 'PATCH' && path.endsWith('/status') && refusal) {
      const details = refusal;
      refusal = undefined;
      return send(res, 409, { error: { code: 'conflict', message: `cannot change an order from ${details.from} to ${details.to}`, details } });
    }
    if (req.method === 'POST' && path === '/tracking/lookup') {
      void readBody(req).then((body) => {
        const found = [...orders.values()].find((o) => o.snapshot.orderNumber === body.orderNumber && o.snapshot.customer.email === body.email);
        if (!found) return error(res, 404, 'not_found', 'no order matches that order number and email');
        return send(res, 200, { orderId: found.snapshot.id, orderNumber: found.snapshot.orderNumber, trackingToken: found.token });
      });
      return;
    }
    error(res, 404, 'not_found', `no route for ${req.method} ${path}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    put: (snapshot, token) => void orders.set(snapshot.id, { snapshot, token }),
    refuseNextChange: (details) => void (refusal = details),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
