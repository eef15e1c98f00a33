import type { TokenClaims } from '@orderpulse/contracts';
import type { TokenService } from '../auth/tokens.js';

export interface MqttCredentials {
  username?: string | undefined;
  password?: string | undefined;
}

export interface MqttCredentialSource {
  /** Called before every CONNECT, the first and each reconnect. */
  next(): Promise<MqttCredentials>;
  /** What to check when the broker refuses them: ends the start-up line ("…: check <settings>"). */
  settings: string;
}

/** The broker knows services by this username (their role) and a JWT as the password. */
export const SERVICE_MQTT_USERNAME = 'service';
export const SERVICE_TOKEN_TTL_SECONDS = 24 * 60 * 60;

export type ServiceName = Extract<TokenClaims, { role: 'service' }>['sub'];

export interface ServiceCredentialsOptions {
  tokens: Pick<TokenService, 'sign'>;
  /** Who the token says the service is (`sub`), e.g. `notifier`. */
  service: ServiceName;
  ttlSeconds?: number;
  clock?: () => number;
  /** MQTT_USERNAME / MQTT_PASSWORD, when set, replace their part of the login. */
  override?: MqttCredentials;
  /** What to check when the broker refuses the signed token; default: JWT_SECRET. */
  settings?: string;
}

export interface ServiceCredentials extends MqttCredentialSource {
  /** Signed now: every MQTT (re)connect presents a new token, never one that may be about to expire. */
  fresh(): Promise<string>;
  /** Signed once and reused until half its lifetime has passed: for HTTP calls to other services. */
  current(): Promise<string>;
}

/**
 * A service's own token, `{ role: 'service', sub: <service> }` signed with JWT_SECRET, and its
 * MQTT login: username `service`, a freshly signed token as the password.
 */
export function createServiceCredentials(options: ServiceCredentialsOptions): ServiceCredentials {
  const ttlSeconds = options.ttlSeconds ?? SERVICE_TOKEN_TTL_SECONDS;
  const clock = options.clock ?? Date.now;
  const override = options.override ?? {};
  const fresh = () => options.tokens.sign({ role: 'service', sub: options.service }, ttlSeconds);
  let cached: { token: Promise<string>; renewAt: number } | undefined;
  return {
    fresh,
    current() {
      if (!cached || clock() >= cached.renewAt) {
        const entry = { token: fresh(), renewAt: clock() + (ttlSeconds * 1000) / 2 };
        cached = entry;
        entry.token.catch(() => {
          if (cached === entry) cached = undefined;
        });
      }
      return cached.token;
    },
    next: async () => ({
      username: override.username ?? SERVICE_MQTT_USERNAME,
      password: override.password ?? (await fresh()),
    }),
    settings: override.password !== undefined ? 'MQTT_USERNAME and MQTT_PASSWORD' : (options.settings ?? "JWT_SECRET (it must be the broker's)"),
  };
}
