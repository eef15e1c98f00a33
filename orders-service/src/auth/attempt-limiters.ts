import {
  type CloserStack,
  connectRedisClients,
  Counter,
  describeRedisUrl,
  FailedAttemptLimiter,
  type FailedAttemptLimiterOptions,
  type FailureCounterFactory,
  type Logger,
  memoryFailureCounters,
  type PendingAttempt,
  type AttemptParty,
  redisFailureCounters,
  type Registry,
  TooManyAttemptsError,
} from '@orderpulse/service-kit';
import type { OrdersConfig } from '../config.js';

export type GuardedAction = 'login' | 'tracking_lookup';

/** The brute-force brake in front of one action: refusals are logged, counted and thrown as 429. */
export interface AttemptGuard {
  limiter: FailedAttemptLimiter;
  /**
   * Resolves with the attempt, counted as a failure until settled; over a budget, logs
   * `logMessage` with `logFields`, counts it and throws TooManyAttemptsError (nothing counted).
   */
  begin(party: AttemptParty, logFields: Record<string, unknown>): Promise<PendingAttempt>;
}

export interface AttemptGuards {
  login: AttemptGuard;
  trackingLookup: AttemptGuard;
}

type Budgets = Pick<FailedAttemptLimiterOptions, 'perPair' | 'perAddress' | 'perSubject'>;

/** The pair and address budgets share one window; the subject's is its own (see FailedAttemptLimiter). */
function budgets(perPair: number, window: number, perAddress: number, perSubject: number, subjectWindow: number): Budgets {
  return {
    perPair: { maxFailures: perPair, windowSeconds: window },
    perAddress: { maxFailures: perAddress, windowSeconds: window },
    perSubject: { maxFailures: perSubject, windowSeconds: subjectWindow },
  };
}

/** A Redis command slower than this falls back to the process's own counts rather than hold the request. */
const REDIS_COMMAND_TIMEOUT_MS = 1_000;

async function openCounters(config: OrdersConfig, logger: Logger, closers: CloserStack): Promise<FailureCounterFactory> {
  if (!config.REDIS_URL) {
    logger.info('REDIS_URL is not set: login and tracking-lookup limits are counted in this process only (several instances need a shared Redis)');
    return memoryFailureCounters();
  }
  const redis = await connectRedisClients({
    url: config.REDIS_URL,
    service: 'orders-service',
    clients: [{ name: 'attempt-limits', commandTimeout: REDIS_COMMAND_TIMEOUT_MS }],
    logger,
    whatDependsOnIt: 'shared login and lookup limits (each instance counts alone meanwhile)',
  });
  closers.add('redis (attempt limits)', async () => redis.disconnect());
  const prefix = `${config.REDIS_NAMESPACE ? `${config.REDIS_NAMESPACE}:` : ''}orderpulse:orders-service:attempts:`;
  logger.info({ redis: describeRedisUrl(config.REDIS_URL), prefix }, 'login and tracking-lookup limits shared through Redis');
  return redisFailureCounters(redis.clients['attempt-limits'], prefix);
}

/** The limits on POST /auth/login and POST /tracking/lookup (settings LOGIN_* and TRACKING_LOOKUP_*), in Redis when REDIS_URL is set. */
export async function openAttemptGuards(config: OrdersConfig, logger: Logger, registry: Registry, closers: CloserStack): Promise<AttemptGuards> {
  const counters = await openCounters(config, logger, closers);
  const refusals = new Counter({
    name: 'attempt_limit_refusals_total',
    help: 'Logins and tracking lookups refused with 429, by action and by the budget that was spent (pair, address, subject)',
    labelNames: ['action', 'budget'],
    registers: [registry],
  });
  const guard = (action: GuardedAction, what: string, logMessage: string, budgets: Budgets): AttemptGuard => {
    const limiter = new FailedAttemptLimiter({ name: action, counters, ...budgets });
    return {
      limiter,
      async begin(party, logFields) {
        const attempt = await limiter.begin(party);
        if (attempt.allowed) return attempt;
        const error = new TooManyAttemptsError(attempt.retryAfterMs, what);
        refusals.inc({ action, budget: attempt.budget });
        logger.warn({ ...logFields, budget: attempt.budget, retryAfterSeconds: error.retryAfterSeconds }, logMessage);
        throw error;
      },
    };
  };
  return {
    login: guard(
      'login',
      'failed logins',
      'admin login refused: too many failed logins',
      budgets(
        config.LOGIN_MAX_FAILURES,
        config.LOGIN_WINDOW_SECONDS,
        config.LOGIN_ADDRESS_MAX_FAILURES,
        config.LOGIN_USERNAME_MAX_FAILURES,
        config.LOGIN_USERNAME_WINDOW_SECONDS,
      ),
    ),
    trackingLookup: guard(
      'tracking_lookup',
      'failed lookups',
      'tracking lookup refused: too many failed lookups',
      budgets(
        config.TRACKING_LOOKUP_MAX_FAILURES,
        config.TRACKING_LOOKUP_WINDOW_SECONDS,
        config.TRACKING_LOOKUP_ADDRESS_MAX_FAILURES,
        config.TRACKING_LOOKUP_ORDER_MAX_FAILURES,
        config.TRACKING_LOOKUP_ORDER_WINDOW_SECONDS,
      ),
    ),
  };
}
