import { commonConfig, DEFAULT_PORTS, loadConfig, optionalText, port, positiveInt, text } from '@orderpulse/service-kit';

export const notifierConfigShape = {
  ...commonConfig,
  NOTIFIER_PORT: port(DEFAULT_PORTS.NOTIFIER_PORT),
  HOST: text('127.0.0.1'),
  MQTT_URL: text(`mqtt://127.0.0.1:${DEFAULT_PORTS.MQTT_PORT}`),
  /** Optional until the security issue hands the notifier a service token. */
  MQTT_USERNAME: optionalText(),
  MQTT_PASSWORD: optionalText(),
  /** Unacked AMQP messages in flight at once; events of one order still run one at a time. */
  PREFETCH: positiveInt(32),
  /** How long a publish may wait for the broker (connection + PUBACK) before the event is requeued. */
  MQTT_PUBLISH_TIMEOUT_MS: positiveInt(5_000),
  /** How long start-up waits for RabbitMQ and for the MQTT broker before giving up. */
  CONNECT_TIMEOUT_MS: positiveInt(5_000),
  /** Must not exceed the broker's MAX_PAYLOAD_BYTES; larger admin-feed payloads are cut down. */
  MQTT_MAX_PAYLOAD_BYTES: positiveInt(16_384),
  /** Event ids and orders remembered for dropping duplicates and stale versions. */
  DEDUPE_CAPACITY: positiveInt(50_000),
  /** Pause before a message whose publish failed is put back on the queue. */
  RETRY_DELAY_MS: positiveInt(500),
};

export type NotifierConfig = ReturnType<typeof loadNotifierConfig>;

/** Throws service-kit's ConfigError naming every bad key. */
export function loadNotifierConfig(env: Record<string, string | undefined>) {
  return loadConfig(notifierConfigShape, env);
}
