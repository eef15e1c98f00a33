import type { ServiceTokens } from './service-token.js';

export interface MqttCredentials {
  username?: string | undefined;
  password?: string | undefined;
}

export interface MqttCredentialSource {
  /** Called before every CONNECT, first and reconnects alike. */
  next(): Promise<MqttCredentials>;
  /** The settings to check when the broker refuses them. */
  settings: string;
}

export const SERVICE_MQTT_USERNAME = 'service';

/**
 * Username `service` and a freshly signed service token as the password. MQTT_USERNAME and
 * MQTT_PASSWORD, when set, replace their part.
 */
export function mqttCredentialSource(explicit: MqttCredentials, tokens: ServiceTokens): MqttCredentialSource {
  return {
    next: async () => ({
      username: explicit.username ?? SERVICE_MQTT_USERNAME,
      password: explicit.password ?? (await tokens.fresh()),
    }),
    settings: explicit.password !== undefined ? 'MQTT_USERNAME and MQTT_PASSWORD' : "JWT_SECRET (it must be the broker's)",
  };
}

/** Fixed credentials (or none), e.g. for tests and tools. */
export function staticCredentials(credentials: MqttCredentials = {}): MqttCredentialSource {
  return { next: async () => credentials, settings: 'MQTT_USERNAME and MQTT_PASSWORD' };
}
