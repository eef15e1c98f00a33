import { z } from 'zod';
import { commonConfig, DEFAULT_METRICS_PORTS, DEFAULT_PORTS, flag, loadConfig, metricsConfig, port } from '@orderpulse/service-kit';
import { tileUrlTemplateSchema } from './map-settings.js';

const trimSlash = (url: string) => url.replace(/\/+$/, '');
const urlWithProtocol = (protocol: RegExp, fallback: string, hint: string) =>
  z
    .url({ protocol, error: `expected ${hint}` })
    .default(fallback)
    .transform(trimSlash);

/** Every setting of the web-client server: env name, default and check. */
export const webClientConfigShape = {
  NODE_ENV: commonConfig.NODE_ENV,
  LOG_LEVEL: commonConfig.LOG_LEVEL,
  WEB_PORT: port(DEFAULT_PORTS.WEB_PORT),
  HOST: z.string().min(1).default('127.0.0.1'),
  ...metricsConfig(DEFAULT_METRICS_PORTS['web-client']),
  /** The broker's WebSocket endpoint as a browser reaches it (not necessarily as this server does). */
  MQTT_WS_URL: urlWithProtocol(/^wss?$/, `ws://127.0.0.1:${DEFAULT_PORTS.MQTT_WS_PORT}/mqtt`, 'a ws:// or wss:// URL'),
  ORDERS_URL: urlWithProtocol(/^https?$/, `http://127.0.0.1:${DEFAULT_PORTS.ORDERS_PORT}`, 'an http:// or https:// URL'),
  DELIVERY_URL: urlWithProtocol(/^https?$/, `http://127.0.0.1:${DEFAULT_PORTS.DELIVERY_PORT}`, 'an http:// or https:// URL'),
  /** Raster tiles for the maps (`…/{z}/{x}/{y}.png`); unset: the pages draw the offline plot instead. */
  MAP_TILE_URL: tileUrlTemplateSchema.optional(),
  /** Credit the tile provider requires, shown on every map as plain text. */
  MAP_ATTRIBUTION: z.string().trim().max(300).optional(),
  /** Serve the bundles' source maps (`/assets/*.map`); off, they stay on disk only. */
  SERVE_SOURCE_MAPS: flag(false),
  /** The tracking page shows the ridden path once delivered; delivery-service must allow it too (CUSTOMER_TRACK_AFTER_DELIVERY). Off: privacy first. */
  CUSTOMER_PATH_AFTER_DELIVERY: flag(false),
};

export type WebClientConfig = ReturnType<typeof loadWebClientConfig>;

export function loadWebClientConfig(env: Record<string, string | undefined>) {
  return loadConfig(webClientConfigShape, env);
}

/** What the browser apps receive at `/config.json`; `map` is null when no tile source is set. */
export interface ClientConfigBody {
  mqttWsUrl: string;
  ordersUrl: string;
  deliveryUrl: string;
  map: { tileUrl: string; attribution: string } | null;
  customerPathAfterDelivery: boolean;
}

export function toClientConfig(config: WebClientConfig): ClientConfigBody {
  return {
    mqttWsUrl: config.MQTT_WS_URL,
    ordersUrl: config.ORDERS_URL,
    deliveryUrl: config.DELIVERY_URL,
    map: config.MAP_TILE_URL ? { tileUrl: config.MAP_TILE_URL, attribution: config.MAP_ATTRIBUTION ?? '' } : null,
    customerPathAfterDelivery: config.CUSTOMER_PATH_AFTER_DELIVERY,
  };
}
