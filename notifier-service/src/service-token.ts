import type { TokenService } from '@orderpulse/service-kit';

export const SERVICE_TOKEN_TTL_SECONDS = 24 * 60 * 60;

export interface ServiceTokens {
  /** Signed now: used for every MQTT (re)connect, so a reconnect never presents an old token. */
  fresh(): Promise<string>;
  /** Signed once and reused until half its lifetime has passed: for HTTP calls. */
  current(): Promise<string>;
}

/** The notifier's own token, `{ role: 'service', sub: 'notifier' }`, signed with JWT_SECRET. */
export function createServiceTokens(tokens: TokenService, options: { ttlSeconds?: number; now?: () => number } = {}): ServiceTokens {
  const ttlSeconds = options.ttlSeconds ?? SERVICE_TOKEN_TTL_SECONDS;
  const now = options.now ?? Date.now;
  let cached: { token: Promise<string>; renewAt: number } | undefined;
  const fresh = () => tokens.sign({ role: 'service', sub: 'notifier' }, ttlSeconds);
  return {
    fresh,
    current() {
      if (!cached || now() >= cached.renewAt) {
        const token = fresh();
        const entry = { token, renewAt: now() + (ttlSeconds * 1000) / 2 };
        cached = entry;
        token.catch(() => {
          if (cached === entry) cached = undefined;
        });
      }
      return cached.token;
    },
  };
}
