import { parseTopic, riderLocationReportSchema, riderStatusReportSchema } from '@orderpulse/contracts';
import { createRateLimitedLog, DomainError, type DomainErrorKind, type RateLimitedLog } from '@orderpulse/service-kit';
import type { z } from 'zod';
import { applyRiderLocation } from '../domain/apply-rider-location.js';
import { applyRiderStatusReport } from '../domain/apply-rider-status-report.js';
import type { DeliveryUseCaseDeps } from '../domain/delivery-use-case-deps.js';
import { ReportTimeOutOfRangeError } from '../domain/report-time.js';

/** The broker refuses larger payloads too; this keeps JSON.parse bounded whatever the broker does. */
export const MAX_REPORT_BYTES = 16 * 1024;

export type ReportKind = 'status' | 'location';

/** `refused_future` / `refused_too_old`: the report's `at` lies outside the accepted window (see ReportTimeLimits). */
export type RefusalResult = 'refused' | 'refused_future' | 'refused_too_old';

export type RiderMessageOutcome =
  | { result: 'applied'; kind: ReportKind; riderId: string; deliveryIds: string[] }
  | { result: 'duplicate'; kind: ReportKind; riderId: string; deliveryIds: string[] }
  | { result: RefusalResult; kind?: ReportKind; riderId?: string; deliveryId?: string; reason: string; at?: string; serverTime?: string };

type Refusal = Extract<RiderMessageOutcome, { reason: string }>;

export type RiderMessageHandler = (topic: string, payload: Buffer) => Promise<RiderMessageOutcome>;

/** Refused and ignored report lines per second for each result, unless the caller sets it (REFUSAL_LOG_LINES_PER_SECOND). */
export const DEFAULT_REPORT_LOG_LINES_PER_SECOND = 10;

export interface RiderMessageHandlerOptions {
  /**
   * Where refused and ignored reports are logged, one budget per result: a rider publishing bad or
   * repeated reports as fast as it can (each is counted in rider_reports_total) cannot flood the log.
   */
  log?: RateLimitedLog;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
}

/**
 * What a domain error means for the report that caused it: `refuse` it (logged, and acknowledged:
 * a redelivery would get the same answer), or `retry` it (the write may succeed later: it is
 * applied again and stays unacknowledged meanwhile, so the broker redelivers it after a restart).
 */
export const REPORT_FAILURE_BY_KIND: Record<DomainErrorKind, 'refuse' | 'retry'> = {
  invalid: 'refuse',
  forbidden: 'refuse',
  not_found: 'refuse',
  conflict: 'refuse',
  contended: 'retry',
  unavailable: 'retry',
};

/** A domain refusal (unknown, not assigned, invalid transition, nothing in progress); not a failure worth retrying. */
function isRefusal(err: unknown): err is DomainError {
  return err instanceof DomainError && REPORT_FAILURE_BY_KIND[err.kind] === 'refuse';
}

/**
 * Turns one MQTT message from a rider into a use case call. Bad input and domain refusals come
 * back as `refused` (logged with rider, delivery and reason, within the log budget; nothing
 * written). Anything else,
 * such as a store that is down, is thrown: the caller retries and does not acknowledge.
 */
export function createRiderMessageHandler(deps: DeliveryUseCaseDeps, options: RiderMessageHandlerOptions = {}): RiderMessageHandler {
  const { logger } = deps;
  const log = options.log ?? createRateLimitedLog({ logger, linesPerSecond: DEFAULT_REPORT_LOG_LINES_PER_SECOND });
  const refuse = (outcome: Refusal): RiderMessageOutcome => {
    const { riderId, deliveryId, kind, reason, result, at, serverTime } = outcome;
    log.write('warn', result, { riderId, deliveryId, kind, result, reason, ...(at ? { at, serverTime } : {}) }, 'rider report refused');
    return outcome;
  };

  return async (topic, payload) => {
    const parsed = parseTopic(topic);
    if (!parsed || (parsed.kind !== 'rider-delivery-status' && parsed.kind !== 'rider-location')) {
      return refuse({ result: 'refused', reason: `not a rider report topic: ${topic.slice(0, 200)}` });
    }
    const kind: ReportKind = parsed.kind === 'rider-location' ? 'location' : 'status';
    const { riderId } = parsed;
    const deliveryId = parsed.kind === 'rider-delivery-status' ? parsed.deliveryId : undefined;
    const ids = { kind, riderId, ...(deliveryId ? { deliveryId } : {}) };
    if (payload.length > MAX_REPORT_BYTES)
      return refuse({ result: 'refused', ...ids, reason: `payload of ${payload.length} bytes exceeds ${MAX_REPORT_BYTES}` });

    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch (err) {
      return refuse({ result: 'refused', ...ids, reason: `malformed JSON: ${(err as Error).message}` });
    }
    try {
      if (deliveryId) {
        const report = riderStatusReportSchema.safeParse(json);
        if (!report.success) return refuse({ result: 'refused', ...ids, reason: `invalid status report: ${describeIssues(report.error)}` });
        const written = await applyRiderStatusReport(deps, { riderId, deliveryId, report: report.data });
        if (!written.changed)
          log.write('info', 'ignored', { riderId, deliveryId, reportId: report.data.reportId, why: written.why }, 'rider status report ignored');
        return { result: written.changed ? 'applied' : 'duplicate', kind, riderId, deliveryIds: [deliveryId] };
      }
      const report = riderLocationReportSchema.safeParse(json);
      if (!report.success) return refuse({ result: 'refused', ...ids, reason: `invalid location report: ${describeIssues(report.error)}` });
      const outcome = await applyRiderLocation(deps, riderId, report.data);
      if (outcome.updated.length === 0)
        logger.debug({ riderId, reportId: report.data.reportId, unchanged: outcome.unchanged }, 'rider location not newer; ignored');
      return { result: outcome.updated.length ? 'applied' : 'duplicate', kind, riderId, deliveryIds: outcome.updated.map((d) => d.id) };
    } catch (err) {
      if (err instanceof ReportTimeOutOfRangeError) {
        const result = err.verdict === 'future' ? 'refused_future' : 'refused_too_old';
        return refuse({ result, ...ids, reason: err.message, at: err.at, serverTime: err.serverTime });
      }
      if (isRefusal(err)) return refuse({ result: 'refused', ...ids, reason: err.message });
      throw err;
    }
  };
}
