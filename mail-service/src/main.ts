import { redactMongoUrl, runService } from '@orderpulse/service-kit';
import { loadMailConfig } from './config.js';
import { startMailService } from './service.js';

const SERVICE = 'mail-service';

/** The SMTP URL as it may be logged: without its password. */
function redactSmtpUrl(url: string | undefined): string {
  return url ? url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@') : '(unset: mails are logged)';
}

/** The only place that reads the environment. */
void runService(
  {
    name: SERVICE,
    loadConfig: loadMailConfig,
    ports: (config) => ({ MAIL_PORT: config.MAIL_PORT, METRICS_PORT: config.METRICS_PORT }),
    devSecretWarnings: {
      JWT_SECRET: 'JWT_SECRET is not set: tracking and unsubscribe links are signed with the PUBLIC DEVELOPMENT SECRET (refused when NODE_ENV=production)',
    },
    start: (config, logger) => startMailService(config, logger),
    started: (service, config, logger) =>
      logger.info(
        {
          url: service.url,
          smtp: redactSmtpUrl(config.SMTP_URL),
          store: config.MONGO_URL ? redactMongoUrl(config.MONGO_URL) : (config.DATA_DIR ?? 'memory'),
          publicWebUrl: config.PUBLIC_WEB_URL,
          namespace: config.AMQP_NAMESPACE || '(none)',
        },
        `${SERVICE} running`,
      ),
  },
  process.env,
);
