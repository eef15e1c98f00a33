import { describe, expect, it } from '@jest/globals';
import { ConfigError, DEV_JWT_SECRET } from '@orderpulse/service-kit';
import { loadMailConfig } from '../src/config.js';

const SECRET = 'a-production-secret-that-is-long-enough-0123';

describe('mail-service configuration', () => {
  it('when nothing is set, then the local defaults apply: port 3005, links to the local web-client, mails logged', () => {
    const config = loadMailConfig({});
    expect(config).toMatchObject({ MAIL_PORT: 3005, METRICS_PORT: 9405, PUBLIC_WEB_URL: 'http://127.0.0.1:3000', CUSTOMER_TOKEN_TTL_SECONDS: 30 * 24 * 3600 });
    expect(config.SMTP_URL).toBeUndefined();
  });

  it('when URLs end in a slash, then links do not get a double one', () => {
    expect(loadMailConfig({ PUBLIC_WEB_URL: 'https://shop.example/', PUBLIC_MAIL_URL: 'https://shop.example/api/mail/' })).toMatchObject({
      PUBLIC_WEB_URL: 'https://shop.example',
      PUBLIC_MAIL_URL: 'https://shop.example/api/mail',
    });
  });

  it('when NODE_ENV=production, then a missing SMTP_URL and the development JWT secret are refused', () => {
    expect(() => loadMailConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET })).toThrow(/SMTP_URL: required when NODE_ENV=production/);
    expect(() => loadMailConfig({ NODE_ENV: 'production', SMTP_URL: 'smtp://mail:25', JWT_SECRET: DEV_JWT_SECRET })).toThrow(ConfigError);
    expect(loadMailConfig({ NODE_ENV: 'production', SMTP_URL: 'smtps://user:pw@mail.example:465', JWT_SECRET: SECRET }).SMTP_URL).toBe(
      'smtps://user:pw@mail.example:465',
    );
  });

  it('when a setting is malformed, then the error names it', () => {
    expect(() => loadMailConfig({ SMTP_URL: 'http://mail' })).toThrow(/SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(() => loadMailConfig({ PUBLIC_WEB_URL: 'javascript:alert(1)' })).toThrow(/PUBLIC_WEB_URL/);
    expect(() => loadMailConfig({ SMTP_TIMEOUT_MS: '60000', RESEND_AFTER_MS: '120000' })).toThrow(/RESEND_AFTER_MS: must be above 3 × SMTP_TIMEOUT_MS/);
  });
});
