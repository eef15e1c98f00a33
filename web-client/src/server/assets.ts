import { createReadStream } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { Middleware } from 'koa';
import { htmlPathOf, type BrowserApp } from './browser-apps.js';

/**
 * `<package>/dist/public`: this file runs from `dist/server/` when compiled and from
 * `src/server/` under the tests; both sit two levels below the package root.
 */
export function defaultPublicDir(): string {
  return resolve(__dirname, '..', '..', 'dist', 'public');
}

export class AssetsMissingError extends Error {
  constructor(file: string) {
    super(`the browser apps are not built (${file} is missing): run \`npm run build --workspace web-client\``);
    this.name = 'AssetsMissingError';
  }
}

export async function assertAppsBuilt(publicDir: string, apps: readonly BrowserApp[]): Promise<void> {
  for (const app of apps) {
    const file = resolve(publicDir, htmlPathOf(app));
    await access(file).catch(() => {
      throw new AssetsMissingError(file);
    });
  }
}

export function readAppHtml(publicDir: string, app: BrowserApp): Promise<string> {
  return readFile(resolve(publicDir, htmlPathOf(app)), 'utf8');
}

/** Serves Vite's hashed bundles under `/assets/`; their names change with their content. */
export function serveAssets(publicDir: string): Middleware {
  const assetsDir = resolve(publicDir, 'assets');
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || !ctx.path.startsWith('/assets/')) return next();
    let file: string;
    try {
      file = resolve(assetsDir, `.${decodeURIComponent(ctx.path.slice('/assets'.length))}`);
    } catch {
      return next();
    }
    if (!file.startsWith(assetsDir + sep)) return next();
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return next();
    ctx.type = extname(file);
    ctx.length = info.size;
    ctx.lastModified = info.mtime;
    ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    ctx.body = ctx.method === 'HEAD' ? null : createReadStream(file);
  };
}
