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
