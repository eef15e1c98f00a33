import { once } from 'node:events';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface HttpAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests assert on whatever JSON came back
  body: any;
}

/** One JSON request from `localAddress` (a 127.0.0.x standing for one client address). */
export function requestFrom(
  localAddress: string,
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  const body = init.body === undefined ? undefined : JSON.stringify(init.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: init.method ?? 'GET',
        localAddress,
        headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}), ...init.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = text;
          }
          resolve({ status: res.statusCode ?? 0, body: json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface SlowClients {
  sockets: Socket[];
  /** Sockets the server has closed so far. */
  closedByServer(): number;
  /** Header bytes sent so far, over all sockets. */
  bytesSent(): number;
  /** Sends one more header byte on every open socket. */
  drip(): void;
  destroy(): void;
}

/**
 * `count` connections from `localAddress` that start a request and then send its headers one
 * byte at a time (slowloris): each never finishes its request, so the server holds it until
 * its own header timeout.
 */
export async function openSlowHeaders(url: string, localAddress: string, count: number): Promise<SlowClients> {
  const { hostname, port } = new URL(url);
  const sockets: Socket[] = [];
  let closed = 0;
  let sent = 0;
  for (let i = 0; i < count; i += 1) {
    const socket = connect({ host: hostname, port: Number(port), localAddress });
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    socket.once('close', () => (closed += 1));
    const start = `POST /orders HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n`;
    socket.write(start);
    sent += start.length;
    sockets.push(socket);
  }
  return {
    sockets,
    closedByServer: () => closed,
    bytesSent: () => sent,
    drip: () => {
      for (const s of sockets) {
        if (!s.destroyed && s.writable) {
          s.write('X');
          sent += 1;
        }
      }
    },
    destroy: () => {
      for (const s of sockets) s.destroy();
    },
  };
}

export interface BodyFloodOutcome {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests assert on whatever JSON came back
  body: any;
  /** The answer's `Connection` header. */
  connection: string | undefined;
  /** Milliseconds from the first byte sent to the answer, and to the server closing the connection. */
  answeredAfterMs: number;
  closedAfterMs: number;
  /** Bytes written before the answer came (the rest was never sent). */
  writtenBeforeAnswer: number;
  /** Bytes the server kept reading after it answered, until `maxBytes` or it closed. */
  writtenAfterAnswer: number;
  closedByServer: boolean;
}

/**
 * A JSON body of `maxBytes`, sent chunked (no Content-Length, so the server cannot refuse it
 * from the header) in `chunkBytes` pieces, each after the previous was taken, until the server
 * answers and then either closes or takes everything.
 */
export async function floodJsonBody(
  url: string,
  localAddress: string,
  { maxBytes = 32 * 1024 * 1024, chunkBytes = 64 * 1024 } = {},
): Promise<BodyFloodOutcome> {
  const { hostname, port, pathname } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port), localAddress });
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  let open = true;
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  void closed.then(() => (open = false));
  const startedAt = performance.now();
  let answer = '';
  let answered = false;
  let answeredAfterMs = Number.NaN;
  socket.on('data', (chunk: Buffer) => {
    answer += chunk.toString('utf8');
    if (!answered && /\r\n\r\n/.test(answer)) {
      answered = true;
      answeredAfterMs = performance.now() - startedAt;
    }
  });
  socket.write(`POST ${pathname} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
  // One JSON string that never ends: a chunk `"`, then chunks of `aaaa…`.
  socket.write('1\r\n"\r\n');
  const piece = Buffer.concat([Buffer.from(`${chunkBytes.toString(16)}\r\n`), Buffer.alloc(chunkBytes, 0x61), Buffer.from('\r\n')]);
  let before = 0;
  let after = 0;
  while (open && before + after < maxBytes) {
    if (answered) after += chunkBytes;
    else before += chunkBytes;
    if (!socket.write(piece)) await Promise.race([once(socket, 'drain').catch(() => undefined), closed]);
  }
  const closedByServer = !open;
  const closedAfterMs = performance.now() - startedAt;
  socket.destroy();
  const [head = '', ...rest] = answer.split('\r\n\r\n');
  const connection = /^connection:\s*(\S+)/im.exec(head)?.[1];
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
  const text = rest.join('\r\n\r\n');
  let body: unknown;
  try {
    body = JSON.parse(/^[0-9a-f]+\r\n([\s\S]*?)\r\n/i.exec(text)?.[1] ?? text);
  } catch {
    body = text;
  }
  return { status, body, connection, answeredAfterMs, closedAfterMs, writtenBeforeAnswer: before, writtenAfterAnswer: after, closedByServer };
}
