import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy a test can cut: the connections opened since a mark are reset (TCP RST both ways:
 * no MQTT DISCONNECT, no WebSocket close, no Redis QUIT, as when a phone loses its network or a
 * link goes down), and new connections are refused until `allow()`, so the other side cannot
 * reconnect through it meanwhile. Connections opened before the mark are left alone.
 */
export class CutProxy {
  private readonly sockets: Array<{ client: Socket; upstream: Socket }> = [];
  private target: { host: string; port: number } | undefined;
  private refusing = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<CutProxy> {
    const holder: { proxy?: CutProxy } = {};
    const server = createServer((client) => holder.proxy?.accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.proxy = new CutProxy(server, (server.address() as { port: number }).port);
    return holder.proxy;
  }

  /** The proxy's address as a URL of the target's kind: `url('ws:', '/mqtt')`, `url('redis:', '/0')`. */
  url(protocol: string, path = ''): string {
    return `${protocol}//127.0.0.1:${this.port}${path}`;
  }

  /** Where connections go (a URL or host and port); set before the first connection comes. */
  forwardTo(target: string | { host: string; port: number }): void {
    if (typeof target === 'string') {
      const parsed = new URL(target);
      this.target = { host: parsed.hostname, port: Number(parsed.port) };
    } else {
      this.target = target;
    }
  }

  /** How many connections were opened so far: `cutSince(mark())` cuts only later ones. */
  mark(): number {
    return this.sockets.length;
  }

  /** Refuses new connections and resets those opened since `mark` (default: all); returns how many were open. */
  cutSince(mark = 0): number {
    this.refusing = true;
    let cut = 0;
    for (const { client, upstream } of this.sockets.slice(mark)) {
      if (client.destroyed && upstream.destroyed) continue;
      cut += 1;
      upstream.resetAndDestroy();
      client.resetAndDestroy();
    }
    return cut;
  }

  /** Accepts new connections again after a cut. */
  allow(): void {
    this.refusing = false;
  }

  async close(): Promise<void> {
    for (const { client, upstream } of this.sockets) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.refusing || !this.target) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(this.target);
    this.sockets.push({ client, upstream });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
