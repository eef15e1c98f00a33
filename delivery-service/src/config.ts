import { commonConfig, DEFAULT_PORTS, loadConfig, port, text } from '@orderpulse/service-kit';

export const deliveryConfigShape = {
  ...commonConfig,
  DELIVERY_PORT: port(DEFAULT_PORTS.DELIVERY_PORT),
  HOST: text('127.0.0.1'),
  MQTT_URL: text(`mqtt://127.0.0.1:${DEFAULT_PORTS.MQTT_PORT}`),
};

export type DeliveryConfig = ReturnType<typeof loadDeliveryConfig>;

export function loadDeliveryConfig(env: Record<string, string | undefined>) {
  return loadConfig(deliveryConfigShape, env);
}
