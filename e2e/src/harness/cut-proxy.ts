import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of the broker's WebSocket port that a test can cut: the connections
 * opened since a mark are reset (TCP RST both ways: no MQTT DISCONNECT, no WebSocket close, as
 * when a phone loses its network or its browser is killed), and new connections are refused
 * from then on, so the page cannot reconnect through it. Connections opened before the mark
 * (other pages) are left alone.
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
    let proxy!: CutProxy;
    const server = createServer((client) => proxy.accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new CutProxy(server, (server.address() as { port: number }).port);
    return proxy;
  }

  /** The WebSocket URL pages should use (`MQTT_WS_URL`), with the broker's path. */
  wsUrl(path = '/mqtt'): string {
    return `ws://127.0.0.1:${this.port}${path}`;
  }

  /** Where connections go (the broker's WebSocket listener); set once the system is up. */
  forwardTo(url: string): void {
    const parsed = new URL(url);
    this.target = { host: parsed.hostname, port: Number(parsed.port) };
  }

  /** How many connections were opened so far: `cutSince(mark())` cuts only later ones. */
  mark(): number {
    return this.sockets.length;
  }

  /** Refuses new connections and resets those opened since `mark`; returns how many were open. */
  cutSince(mark: number): number {
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
