import { riderAssignmentsMessageSchema, type RiderAssignmentsMessage } from '@orderpulse/contracts';

export interface RiderAssignmentsSource {
  /** The rider's open deliveries as delivery-service has them now; rejects on any failure. */
  fetch(riderId: string): Promise<RiderAssignmentsMessage>;
}

export interface RiderAssignmentsClientOptions {
  /** delivery-service, e.g. http://127.0.0.1:3002 */
  baseUrl: string;
  /** The notifier's service token, sent as `Authorization: Bearer`. */
  token: () => Promise<string>;
  timeoutMs: number;
}

export class RiderAssignmentsFetchError extends Error {
  constructor(
    message: string,
    /** delivery-service did not answer in time, or answered 5xx or 429: down or overloaded. */
    readonly unavailable = false,
  ) {
    super(message);
    this.name = 'RiderAssignmentsFetchError';
  }
}

/** `GET ${DELIVERY_URL}/riders/<riderId>/assignments`, checked against the contract. */
export function createRiderAssignmentsClient(options: RiderAssignmentsClientOptions): RiderAssignmentsSource {
  const base = options.baseUrl.replace(/\/+$/, '');
  return {
    async fetch(riderId) {
      const url = `${base}/riders/${encodeURIComponent(riderId)}/assignments`;
      let response: Response;
      try {
        response = await fetch(url, {
          headers: { accept: 'application/json', authorization: `Bearer ${await options.token()}` },
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (err) {
        throw new RiderAssignmentsFetchError(`delivery-service did not answer GET ${url}: ${(err as Error).message}`, true);
      }
      const text = await response.text().catch(() => '');
      if (!response.ok) {
        const overloaded = response.status >= 500 || response.status === 429;
        throw new RiderAssignmentsFetchError(`delivery-service answered GET ${url} with ${response.status}: ${text.slice(0, 200)}`, overloaded);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new RiderAssignmentsFetchError(`delivery-service answered GET ${url} with something that is not JSON`);
      }
      const parsed = riderAssignmentsMessageSchema.safeParse(json);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
        throw new RiderAssignmentsFetchError(`delivery-service answered GET ${url} with an invalid assignments list: ${issues}`);
      }
      if (parsed.data.riderId !== riderId) {
        throw new RiderAssignmentsFetchError(`delivery-service answered GET ${url} with the list of rider ${parsed.data.riderId}`);
      }
      return parsed.data;
    },
  };
}
