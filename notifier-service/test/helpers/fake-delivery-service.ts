import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RiderAssignmentsMessage } from '@orderpulse/contracts';

type Deliveries = RiderAssignmentsMessage['deliveries'];

export interface AssignmentsRequest {
  riderId: string;
  authorization: string | undefined;
}

/**
 * A real HTTP server standing in for delivery-service's `GET /riders/:id/assignments`: it serves
 * the lists a test sets, records every request, and answers 503 while `down`, never while
 * `hanging`, and 401 while `refusing`.
 */
export class FakeDeliveryService {
  readonly requests: AssignmentsRequest[] = [];
  private readonly lists = new Map<string, Deliveries>();
  private down = false;
  private hanging = false;
  private refusing = false;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeDeliveryService> {
    const fake: { current?: FakeDeliveryService } = {};
    const server = createServer((req, res) => fake.current?.answer(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.current = new FakeDeliveryService(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return fake.current;
  }

  setAssignments(riderId: string, deliveries: Deliveries): void {
    this.lists.set(riderId, deliveries);
  }

  setDown(down: boolean): void {
    this.down = down;
  }

  setHanging(hanging: boolean): void {
    this.hanging = hanging;
  }

  setRefusing(refusing: boolean): void {
    this.refusing = refusing;
  }

  requestsFor(riderId: string): AssignmentsRequest[] {
    return this.requests.filter((r) => r.riderId === riderId);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const match = /^\/riders\/([^/]+)\/assignments$/.exec(req.url ?? '');
    if (req.method !== 'GET' || !match) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const riderId = decodeURIComponent(match[1]!);
    this.requests.push({ riderId, authorization: req.headers.authorization });
    if (this.hanging) return;
    if (this.refusing) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"token invalid"}');
      return;
    }
    if (this.down) {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"database unavailable"}');
      return;
    }
    const body: RiderAssignmentsMessage = { riderId, deliveries: this.lists.get(riderId) ?? [], updatedAt: new Date().toISOString() };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}
