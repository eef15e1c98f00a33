import { describe, it, expect } from '@jest/globals';
import { ConfigError, DEV_JWT_SECRET, commonConfig, devDefaultSecretsIn, jwtSecretConfig, loadConfig, refuseDevSecretsInProduction } from '../src/index.js';

const shape = { NODE_ENV: commonConfig.NODE_ENV, ...jwtSecretConfig };

describe('development secrets', () => {
  it('when JWT_SECRET is unset, then the dev default applies outside production', () => {
    const config = refuseDevSecretsInProduction(loadConfig(shape, {}));
    expect(config.JWT_SECRET).toBe(DEV_JWT_SECRET);
    expect(devDefaultSecretsIn(config)).toEqual(['JWT_SECRET']);
  });

  it('when NODE_ENV=production and a secret is the dev default, then start-up is refused naming it', () => {
    expect(() => refuseDevSecretsInProduction(loadConfig(shape, { NODE_ENV: 'production' }))).toThrow(ConfigError);
    expect(() => refuseDevSecretsInProduction({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), ADMIN_PASSWORD: 'change-me' })).toThrow(/ADMIN_PASSWORD/);
  });

  it('when NODE_ENV=production and the secrets are set, then it starts', () => {
    const config = refuseDevSecretsInProduction(loadConfig(shape, { NODE_ENV: 'production', JWT_SECRET: 's'.repeat(40) }));
    expect(devDefaultSecretsIn(config)).toEqual([]);
  });

  it('when JWT_SECRET is short, then it is refused', () => {
    expect(() => loadConfig(shape, { JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
  });
});
