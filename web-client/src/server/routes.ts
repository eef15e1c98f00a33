import Router from '@koa/router';
import { readAppHtml } from './assets.js';
import { BROWSER_APPS, DEFAULT_APP_PATH } from './browser-apps.js';
import type { ClientConfigBody } from './config.js';

export interface RoutesOptions {
  publicDir: string;
  clientConfig: ClientConfigBody;
}

export function createRoutes({ publicDir, clientConfig }: RoutesOptions): Router {
  const router = new Router();

  router.get('/', (ctx) => {
    ctx.redirect(DEFAULT_APP_PATH);
  });

  router.get('/config.json', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = clientConfig;
  });

  for (const app of BROWSER_APPS) {
    router.get(app.routes, async (ctx) => {
      // Read per request so a rebuild of the apps is picked up without a restart.
      ctx.type = 'html';
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = await readAppHtml(publicDir, app);
    });
  }
  return router;
}
