import type { TokenService } from '@orderpulse/service-kit';

export interface MqttCredentials {
  username: string;
  password: string;
}

export interface ServiceCredentials {
  /** Username `service` and a token signed for this service; re-signed once past half its life. */
  current(): Promise<MqttCredentials>;
}

export interface ServiceCredentialsOptions {
  tokens: Pick<TokenService, 'sign'>;
  ttlSeconds: number;
  clock?: () => number;
}

/** The broker authenticates services by role (the username) and a JWT (the password). */
export function createServiceCredentials(options: ServiceCredentialsOptions): ServiceCredentials {
  const clock = options.clock ?? Date.now;
  let cached: { password: string; renewAt: number } | undefined;
  return {
    async current() {
      if (!cached || clock() >= cached.renewAt) {
        const password = await options.tokens.sign({ role: 'service', sub: 'delivery-service' }, options.ttlSeconds);
        cached = { password, renewAt: clock() + (options.ttlSeconds * 1000) / 2 };
      }
      return { username: 'service', password: cached.password };
    },
  };
}
