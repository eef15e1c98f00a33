import CircuitBreaker from 'opossum';
import type { RiderAssignmentsMessage } from '@orderpulse/contracts';
import { RetryLaterError, type Logger } from '@orderpulse/service-kit';
import { RiderAssignmentsFetchError, type RiderAssignmentsSource } from './rider-assignments-client.js';

export interface AssignmentsBreakerSettings {
  /** Requests within the window before failures can open the breaker (and half of them failed). */
  failuresToOpen: number;
  /** How long it stays open: fetches fail at once, then one request tries delivery-service again. */
  openMs: number;
  /** The window failures are counted over. */
  windowMs: number;
}

export interface GuardedAssignmentsSource extends RiderAssignmentsSource {
  readonly state: 'closed' | 'open' | 'half-open';
  /** Stops the breaker's window timer. */
  close(): void;
}

/** Failures that say delivery-service is down or overloaded: no answer in time, or a 5xx/429. The others (401, a bad list) are ours to fix, not its. */
function isUnavailable(err: unknown): boolean {
  return err instanceof RiderAssignmentsFetchError && err.unavailable;
}

/**
 * A circuit breaker (opossum) around delivery-service's `GET /riders/:id/assignments`. When
 * delivery-service is slow or down, every delivery event whose rider list must be refreshed used
 * to wait out the request timeout and go back to the queue, to try again half a second later:
 * under load, hundreds of requests a minute to a service that was already behind. Once half of
 * at least `failuresToOpen` requests in `windowMs` failed that way, fetches fail at once with a
 * RetryLaterError for the rest of `openMs` (the consumer requeues the event after that long),
 * then a single request tries again and closes the breaker when it succeeds.
 */
export function guardAssignmentsSource(
  source: RiderAssignmentsSource,
  settings: AssignmentsBreakerSettings,
  logger: Logger,
  now: () => number = Date.now,
): GuardedAssignmentsSource {
  const breaker = new CircuitBreaker((riderId: string) => source.fetch(riderId), {
    timeout: false, // the client has its own
    resetTimeout: settings.openMs,
    errorThresholdPercentage: 50,
    volumeThreshold: settings.failuresToOpen,
    rollingCountTimeout: settings.windowMs,
    rollingCountBuckets: 10,
    errorFilter: (err: unknown) => !isUnavailable(err),
  });
  let openedAt = 0;
  breaker.on('open', () => {
    openedAt = now();
    logger.warn({ openMs: settings.openMs }, "delivery-service is not answering rider-assignment requests; riders' lists wait, retried after the pause");
  });
  breaker.on('halfOpen', () => logger.info('asking delivery-service for a rider list again'));
  breaker.on('close', () => logger.info('delivery-service answers rider-assignment requests again'));

  return {
    async fetch(riderId): Promise<RiderAssignmentsMessage> {
      try {
        return await breaker.fire(riderId);
      } catch (err) {
        if ((err as { code?: string }).code !== 'EOPENBREAKER') throw err;
        // Open: until the pause ends. Half-open (one request is trying delivery-service): a whole
        // pause, or every event waiting would come straight back while that request runs.
        const left = openedAt + settings.openMs - now();
        const retryAfterMs = left > 0 ? left + 50 : settings.openMs;
        throw new RetryLaterError(`delivery-service is not answering; the list of rider ${riderId} is asked for again in ${retryAfterMs} ms`, retryAfterMs);
      }
    },
    get state() {
      return breaker.opened ? 'open' : breaker.halfOpen ? 'half-open' : 'closed';
    },
    close: () => breaker.shutdown(),
  };
}
