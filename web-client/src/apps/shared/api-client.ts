import { z } from 'zod';

/** What every service answers on failure: `{ error: { code, message, details? } }`. */
const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/** A failed call: `status` 0 means the service could not be reached at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The token is missing, invalid, expired, or does not cover what was asked for. */
  get isAccessDenied(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export interface ResponseLike {
  ok: boolean;
  status: number;
  text(): Promise<string>;
}
export type FetchFn = (url: string, init: RequestInit) => Promise<ResponseLike>;

export interface ApiClientOptions {
  baseUrl: string;
  /** Read on every call, so a new login applies at once; undefined sends no Authorization header. */
  token?: () => string | undefined;
  fetch?: FetchFn;
}

export interface RequestOptions<T> {
  body?: unknown;
  /** Sent as it is with this content type instead of `body` as JSON (an image upload). */
  raw?: { data: Blob; contentType: string };
  /** Checks the response; without one the caller gets `unknown`. */
  schema?: z.ZodType<T>;
  signal?: AbortSignal;
}

/** JSON over HTTP with a bearer token; every failure becomes an ApiError. */
export class ApiClient {
  private readonly baseUrl: string;
  private readonly fetchFn: FetchFn;

  constructor(private readonly options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? ((url, init) => fetch(url, init));
  }

  async request<T = unknown>(method: string, path: string, options: RequestOptions<T> = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.raw) headers['content-type'] = options.raw.contentType;
    const token = this.options.token?.();
    if (token) headers.authorization = `Bearer ${token}`;
    const init: RequestInit = { method, headers, cache: 'no-store', ...(options.signal ? { signal: options.signal } : {}) };
    if (options.body !== undefined) init.body = JSON.stringify(options.body);
    if (options.raw) init.body = options.raw.data;

    let response: ResponseLike;
    let text: string;
    try {
      response = await this.fetchFn(`${this.baseUrl}${path}`, init);
      text = await response.text();
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new ApiError(0, 'network', `could not reach ${this.baseUrl}: ${(err as Error).message}`);
    }
    const json = parseJson(text);
    if (!response.ok) throw errorFrom(response.status, json);
    if (!options.schema) return json as T;
    const parsed = options.schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ApiError(
        response.status,
        'invalid_response',
        `unexpected answer from ${method} ${path}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
      );
    }
    return parsed.data;
  }
}

/**
 * An image the service serves (a proof photo), as a `data:` URL the page can show under its
 * Content-Security-Policy (img-src allows data:, not the service's origin).
 */
export async function fetchImageAsDataUrl(
  url: string,
  token: string | undefined,
  fetchFn: typeof fetch = (input, init) => fetch(input, init),
): Promise<string> {
  const response = await fetchFn(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, cache: 'no-store' });
  if (!response.ok) throw errorFrom(response.status, parseJson(await response.text()));
  const blob = await response.blob();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('could not read the image'));
    reader.readAsDataURL(blob);
  });
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorFrom(status: number, json: unknown): ApiError {
  const parsed = errorBodySchema.safeParse(json);
  if (!parsed.success) return new ApiError(status, 'http_error', `HTTP ${status}`);
  const { code, message, details } = parsed.data.error;
  return new ApiError(status, code, message, details);
}
