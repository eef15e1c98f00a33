import type { Middleware } from 'koa';
import type { ClientConfigBody } from './config.js';
import { tileOrigin } from './map-settings.js';

/** The apps load only their own files and talk only to the broker and the two services. */
export function contentSecurityPolicy(client: ClientConfigBody): string {
  const origins = [client.mqttWsUrl, client.ordersUrl, client.deliveryUrl].map((url) => new URL(url).origin);
  return [
    "default-src 'self'",
    // Bundles only: no inline scripts, no eval (zod runs jitless), no inline style attributes.
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ${[...new Set(origins)].join(' ')}`,
    // Map tiles are plain images from the one configured tile source.
    `img-src 'self' data:${client.map ? ` ${tileOrigin(client.map.tileUrl)}` : ''}`,
    "manifest-src 'self'",
    // mqtt.js runs its keepalive timers in a blob: worker so background tabs are not throttled.
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function securityHeaders(client: ClientConfigBody): Middleware {
  const csp = contentSecurityPolicy(client);
  return async (ctx, next) => {
    await next();
    ctx.set('X-Content-Type-Options', 'nosniff');
    if (ctx.response.is('html')) {
      ctx.set('Content-Security-Policy', csp);
      // Tracking links carry the customer's token; never hand the URL to another site.
      ctx.set('Referrer-Policy', 'no-referrer');
    }
  };
}
