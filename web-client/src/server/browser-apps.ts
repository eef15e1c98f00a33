/** A browser app built by Vite into `<publicDir>/<name>/index.html` and served at its routes. */
export interface BrowserApp {
  name: string;
  /** Router paths that all answer with the app's HTML; the app reads the path itself. */
  routes: string[];
}

/** admin and rider join here (and in vite.config.mts) when they are built. */
export const BROWSER_APPS: readonly BrowserApp[] = [{ name: 'track', routes: ['/track', '/track/:orderId'] }];

/** Where `/` sends a visitor. */
export const DEFAULT_APP_PATH = '/track';

export function htmlPathOf(app: BrowserApp): string {
  return `${app.name}/index.html`;
}
