/** A browser app built by Vite into `<publicDir>/<name>/index.html` and served at its routes. */
export interface BrowserApp {
  name: string;
  /** Router paths that all answer with the app's HTML; the app reads the path itself. */
  routes: string[];
}

/** Keep in step with the `apps` list in vite.config.mts. */
export const BROWSER_APPS: readonly BrowserApp[] = [
  { name: 'track', routes: ['/track', '/track/:orderId'] },
  { name: 'admin', routes: ['/admin'] },
  { name: 'rider', routes: ['/rider'] },
];

/** Where `/` sends a visitor. */
export const DEFAULT_APP_PATH = '/track';

export function htmlPathOf(app: BrowserApp): string {
  return `${app.name}/index.html`;
}

/**
 * Files served at fixed URLs rather than under `/assets/`: the rider app's service worker (its
 * scope is the directory it is served from, so it sits at the root) and its web app manifest and
 * icons (copied from `src/apps/public`). URL path → file under the public dir.
 */
export const FIXED_FILES: Readonly<Record<string, string>> = {
  '/rider-sw.js': 'rider-sw.js',
  '/rider/manifest.webmanifest': 'rider/manifest.webmanifest',
  '/rider/icon-192.png': 'rider/icon-192.png',
  '/rider/icon-512.png': 'rider/icon-512.png',
};
