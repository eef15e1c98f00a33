import type { LevelWithSilent } from 'pino';
import { createLogger, type Logger } from './logger.js';
import { DEV_SECRET_DEFAULTS, devDefaultSecretsIn } from './secrets-config.js';
import { installGracefulShutdown } from './shutdown.js';
import { describeStartupError, isExplainedStartupError } from './startup-error.js';

export type DevSecret = keyof typeof DEV_SECRET_DEFAULTS;

/** What a service's start function hands back: closing it closes everything it opened (its CloserStack). */
export interface RunningService {
  close(): Promise<void>;
}

export interface ServiceDefinition<C extends { LOG_LEVEL: LevelWithSilent }, R extends RunningService> {
  /** In every log line (`service`) and in the start-up failure line. */
  name: string;
  /** Reads and checks the settings; throws service-kit's ConfigError naming every bad one. */
  loadConfig(env: Record<string, string | undefined>): C;
  /** The settings that choose the ports it listens on, so a taken port is named by its setting. */
  ports(config: NoInfer<C>): Record<string, number>;
  /** What a secret still at its development default means for this service: logged as a warning at start. */
  devSecretWarnings?: Partial<Record<DevSecret, string>>;
  /** Opens everything and listens; rejects (having closed what it opened) when it cannot. */
  start(config: NoInfer<C>, logger: Logger): Promise<R>;
  /** Logs the line that says it runs and where. */
  started?(running: NoInfer<R>, config: NoInfer<C>, logger: Logger): void;
}

/**
 * A service process from config to shutdown, the same way for every `main.ts`: load the config,
 * make the logger, warn about development secrets, start, close everything on SIGTERM/SIGINT.
 * When it cannot start: one fatal line, `<name> cannot start: <what to do>`, and exit code 1.
 */
export async function runService<C extends { LOG_LEVEL: LevelWithSilent }, R extends RunningService>(
  definition: ServiceDefinition<C, R>,
  env: Record<string, string | undefined>,
): Promise<void> {
  let config: C;
  try {
    config = definition.loadConfig(env);
  } catch (err) {
    exitWith(definition.name, createLogger(definition.name), err);
  }
  const logger = createLogger(definition.name, config.LOG_LEVEL);
  warnAboutDevSecrets(logger, config, definition.devSecretWarnings ?? {});
  try {
    const running = await definition.start(config, logger);
    installGracefulShutdown(logger, () => running.close());
    definition.started?.(running, config, logger);
  } catch (err) {
    exitWith(definition.name, logger, err, definition.ports(config));
  }
}

/** One warning per setting still at its development default, in the service's words. */
export function warnAboutDevSecrets(logger: Logger, config: object, warnings: Partial<Record<DevSecret, string>>): void {
  for (const setting of devDefaultSecretsIn(config as Partial<Record<DevSecret, string>>)) {
    logger.warn({ setting }, warnings[setting] ?? `${setting} is the development default; set it (refused when NODE_ENV=production)`);
  }
}

function exitWith(name: string, logger: Logger, err: unknown, ports: Record<string, number> = {}): never {
  const stack = isExplainedStartupError(err) ? {} : { stack: (err as Error)?.stack };
  logger.fatal(stack, `${name} cannot start: ${describeStartupError(err, ports)}`);
  process.exit(1);
}
