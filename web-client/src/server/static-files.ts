import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { Context, Middleware } from 'koa';
import { FIXED_FILES } from './browser-apps.js';

/** Variants the build writes next to each compressible file, best first. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

const HASHED = 'public, max-age=31536000, immutable';
/** Fixed URLs (service worker, manifest, icons): cached, but checked with the server every time. */
const REVALIDATE = 'no-cache';

export interface StaticFilesOptions {
  publicDir: string;
  /** When false, `/assets/*.map` is a 404: the source stays off the public internet. */
  serveSourceMaps: boolean;
}

async function fileInfo(file: string) {
  const info = await stat(file).catch(() => undefined);
  return info?.isFile() ? info : undefined;
}

/** The file itself or its precompressed variant, whichever the client takes and the build wrote. */
async function sendFile(ctx: Context, file: string, cacheControl: string): Promise<boolean> {
  const original = await fileInfo(file);
  if (!original) return false;
  let body = { file, size: original.size, encoding: undefined as string | undefined };
  let compressible = false;
  for (const { name, suffix } of ENCODINGS) {
    const variant = await fileInfo(file + suffix);
    if (!variant) continue;
    compressible = true;
    if (body.encoding === undefined && ctx.acceptsEncodings(name) === name) body = { file: file + suffix, size: variant.size, encoding: name };
  }
  ctx.type = extname(file);
  ctx.lastModified = original.mtime;
  ctx.set('Cache-Control', cacheControl);
  if (compressible) ctx.vary('Accept-Encoding');
  ctx.status = 200;
  if (ctx.fresh) {
    ctx.status = 304;
    return true;
  }
  if (body.encoding) ctx.set('Content-Encoding', body.encoding);
  ctx.length = body.size;
  ctx.body = ctx.method === 'HEAD' ? null : createReadStream(body.file);
  return true;
}

/** `/assets/<path>` inside `<publicDir>/assets`, or undefined for anything that escapes it. */
function assetFile(assetsDir: string, path: string): string | undefined {
  let file: string;
  try {
    file = resolve(assetsDir, `.${decodeURIComponent(path.slice('/assets'.length))}`);
  } catch {
    return undefined;
  }
  return file.startsWith(assetsDir + sep) ? file : undefined;
}

/**
 * Vite's hashed bundles under `/assets/` (their names change with their content, so they are
 * cached for a year) and the few files apps need at fixed URLs. Each goes out brotli- or
 * gzip-compressed when the client accepts it and the build precompressed it.
 */
export function serveStaticFiles({ publicDir, serveSourceMaps }: StaticFilesOptions): Middleware {
  const assetsDir = resolve(publicDir, 'assets');
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return void (await next());
    const fixed = FIXED_FILES[ctx.path];
    if (fixed !== undefined) {
      if (!(await sendFile(ctx, resolve(publicDir, fixed), REVALIDATE))) return void (await next());
      return;
    }
    if (!ctx.path.startsWith('/assets/')) return void (await next());
    const file = assetFile(assetsDir, ctx.path);
    if (!file || (!serveSourceMaps && file.endsWith('.map')) || ENCODINGS.some((e) => file.endsWith(e.suffix))) return void (await next());
    if (!(await sendFile(ctx, file, HASHED))) return void (await next());
  };
}
