import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export type Rgb = readonly [number, number, number];

/** A 256×256 RGB PNG in `fill` with a 1-pixel `line` along its top and left edges (a grid once tiled). */
export function tilePng(fill: Rgb, line: Rgb, size = 256): Buffer {
  const rowBytes = 1 + size * 3;
  const raw = Buffer.alloc(rowBytes * size);
  for (let y = 0; y < size; y += 1) {
    raw[y * rowBytes] = 0; // filter: none
    for (let x = 0; x < size; x += 1) {
      const [r, g, b] = x === 0 || y === 0 ? line : fill;
      raw.set([r, g, b], y * rowBytes + 1 + x * 3);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface TileServer {
  /** The XYZ template to set as MAP_TILE_URL. */
  template: string;
  origin: string;
  /** Every tile served, as `z/x/y`. */
  readonly served: string[];
  close(): Promise<void>;
}

/**
 * A tiny raster tile source made up on the spot: a checkerboard of two pale colours with grid
 * lines, at any z/x/y, from 127.0.0.1. The browser tests point MAP_TILE_URL here, so maps render
 * without anything from the internet.
 */
export async function startTileServer(): Promise<TileServer> {
  const tiles = [tilePng([232, 238, 226], [200, 208, 196]), tilePng([238, 234, 226], [200, 208, 196])];
  const served: string[] = [];
  const server: Server = createServer((req, res) => {
    const match = /^\/tiles\/(\d{1,2})\/(\d+)\/(\d+)\.png$/.exec(req.url ?? '');
    if (req.method !== 'GET' || !match) {
      res.writeHead(404).end();
      return;
    }
    const [, z, x, y] = match.map(Number) as [number, number, number, number];
    served.push(`${z}/${x}/${y}`);
    res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'public, max-age=3600' });
    res.end(tiles[(x + y) % 2]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    template: `${origin}/tiles/{z}/{x}/{y}.png`,
    origin,
    served,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
