import { access, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DependencyUnavailableError } from '@orderpulse/service-kit';
import { htmlPathOf, type BrowserApp } from './browser-apps.js';

/**
 * `<package>/dist/public`: this file runs from `dist/server/` when compiled and from
 * `src/server/` under the tests; both sit two levels below the package root.
 */
export function defaultPublicDir(): string {
  return resolve(__dirname, '..', '..', 'dist', 'public');
}

export class AssetsMissingError extends DependencyUnavailableError {
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
