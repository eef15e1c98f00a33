import { z } from 'zod';
import { commonConfig, DEFAULT_METRICS_PORTS, DEFAULT_PORTS, loadConfig, metricsConfig, port } from '@orderpulse/service-kit';

const trimSlash = (url: string) => url.replace(/\/+$/, '');
const urlWithProtocol = (protocol: RegExp, fallback: string, hint: string) =>
  z.url({ protocol, error: `expected ${hint}` }).default(fallback).transform(trimSlash);

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
};

export type WebClientConfig = ReturnType<typeof loadWebClientConfig>;

export function loadWebClientConfig(env: Record<string, string | undefined>) {
  return loadConfig(webClientConfigShape, env);
}

/** What the browser apps receive at `/config.json`. */
export interface ClientConfigBody {
  mqttWsUrl: string;
  ordersUrl: string;
  deliveryUrl: string;
}

export function toClientConfig(config: WebClientConfig): ClientConfigBody {
  return { mqttWsUrl: config.MQTT_WS_URL, ordersUrl: config.ORDERS_URL, deliveryUrl: config.DELIVERY_URL };
}
