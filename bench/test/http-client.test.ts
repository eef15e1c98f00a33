import { describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { HttpJsonClient } from '../src/system/http-client.js';

describe('HttpJsonClient', () => {
  it("when a kept-alive socket idles, then the client retires it before the server's announced keep-alive ends, and the next request gets a fresh socket", async () => {
    const server = http.createServer((_req, res) => res.end('{"ok":true}'));
    server.keepAliveTimeout = 2_000; // announced as "Keep-Alive: timeout=2"
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new HttpJsonClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      expect(await client.request('GET', '/')).toEqual({ status: 200, body: { ok: true } });
      const idle = Object.values(client.agent.freeSockets).flat()[0] as Socket;
      // One second under the server's two: the client closes first, so it never writes into a socket the server is closing.
      expect(idle.timeout).toBe(1_000);
      await new Promise((resolve) => idle.once('close', resolve));
      expect(await client.request('GET', '/')).toEqual({ status: 200, body: { ok: true } });
      expect(Object.values(client.agent.freeSockets).flat()[0]).not.toBe(idle);
    } finally {
      client.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
