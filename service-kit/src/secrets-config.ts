import { z } from 'zod';
import { ConfigError } from './config.js';
import { DEV_JWT_SECRET } from './auth/tokens.js';

/**
 * The secret every token is signed and checked with, shared by all services and the broker.
 * Unset: the development default, which main.ts warns about and production refuses.
 */
export const jwtSecretConfig = {
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_JWT_SECRET),
};

export const DEV_SECRET_DEFAULTS = { JWT_SECRET: DEV_JWT_SECRET, ADMIN_PASSWORD: 'change-me' } as const;

/** The settings still at their well-known development defaults. */
export function devDefaultSecretsIn(config: Partial<Record<keyof typeof DEV_SECRET_DEFAULTS, string>>): Array<keyof typeof DEV_SECRET_DEFAULTS> {
  return (Object.keys(DEV_SECRET_DEFAULTS) as Array<keyof typeof DEV_SECRET_DEFAULTS>).filter((key) => config[key] === DEV_SECRET_DEFAULTS[key]);
}

/** Throws a ConfigError when NODE_ENV=production and a secret is still the development default. */
export function refuseDevSecretsInProduction<C extends { NODE_ENV: string }>(config: C): C {
  if (config.NODE_ENV !== 'production') return config;
  const defaults = devDefaultSecretsIn(config as Partial<Record<keyof typeof DEV_SECRET_DEFAULTS, string>>);
  if (defaults.length) {
    throw new ConfigError(defaults.map((key) => `${key}: the development default may not be used when NODE_ENV=production; set your own`));
  }
  return config;
}
