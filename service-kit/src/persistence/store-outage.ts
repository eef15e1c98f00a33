import { DomainError } from '../errors/domain-error.js';

/** Seconds a client is asked to wait before retrying a write refused because the store is down. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/** The database did not answer in time; the caller may retry (over HTTP: 503 with Retry-After). */
export class StoreUnavailableError extends DomainError {
  constructor(what: string, cause: string) {
    super('unavailable', `${what} did not answer (${cause}); retry in a few seconds`, {
      code: 'store_unavailable',
      retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
    });
  }
}

const OUTAGE_ERROR_NAMES = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MongoExpiredSessionError',
  // Another instance kept an aggregate's write lock (service-kit's MongoLocks) too long.
  'LockBusyError',
  // Its write lock may have lapsed under a slow store before the write began (nothing was written).
  'LockLostError',
]);

/** True for errors that mean "the store is away or busy", not "the request is wrong". */
export function isMongoOutage(err: unknown): boolean {
  const name = (err as { name?: unknown })?.name;
  return typeof name === 'string' && OUTAGE_ERROR_NAMES.has(name);
}

/**
 * Wraps every method of a store so that the driver's outage errors come out as
 * StoreUnavailableError (one kind for HTTP, AMQP and MQTT entry points to map), other errors as
 * they were.
 */
export function reportStoreOutages<T extends object>(store: T, what: string): T {
  const wrapped = {} as Record<string, unknown>;
  for (const [key, value] of Object.entries(store)) {
    wrapped[key] =
      typeof value === 'function'
        ? (...args: unknown[]) => {
            try {
              const result: unknown = (value as (...a: unknown[]) => unknown).apply(store, args);
              return result instanceof Promise ? result.catch((err: unknown) => Promise.reject(translate(err, what))) : result;
            } catch (err) {
              throw translate(err, what);
            }
          }
        : value;
  }
  return wrapped as T;
}

function translate(err: unknown, what: string): unknown {
  return isMongoOutage(err) ? new StoreUnavailableError(what, (err as Error).message) : err;
}
