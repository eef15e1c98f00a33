import { createLogger, describeStartupError, installGracefulShutdown, redactMongoUrl, type Logger } from '@orderpulse/service-kit';
import { loadMailConfig, type MailConfig } from './config.js';
import { startMailService } from './service.js';

const SERVICE = 'mail-service';

function exitWith(logger: Logger, err: unknown, ports: Record<string, number> = {}): never {
  logger.fatal(`${SERVICE} cannot start: ${describeStartupError(err, ports)}`);
  process.exit(1);
}

/** The SMTP URL as it may be logged: without its password. */
function redactSmtpUrl(url: string | undefined): string {
  return url ? url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@') : '(unset: mails are logged)';
}

/** The only place that reads the environment; prints one line and exits 1 when it cannot start. */
async function main(): Promise<void> {
  let config: MailConfig;
  try {
    config = loadMailConfig(process.env);
  } catch (err) {
    exitWith(createLogger(SERVICE), err);
  }
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  try {
    const service = await startMailService(config, logger);
    installGracefulShutdown(logger, service.closers);
    logger.info(
      {
        url: service.url,
        smtp: redactSmtpUrl(config.SMTP_URL),
        store: config.MONGO_URL ? redactMongoUrl(config.MONGO_URL) : config.DATA_DIR ?? 'memory',
        publicWebUrl: config.PUBLIC_WEB_URL,
        namespace: config.AMQP_NAMESPACE || '(none)',
      },
      `${SERVICE} running`,
    );
  } catch (err) {
    exitWith(logger, err, { MAIL_PORT: config.MAIL_PORT, METRICS_PORT: config.METRICS_PORT });
  }
}

void main();
