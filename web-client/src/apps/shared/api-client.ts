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
    const token = this.options.token?.();
    if (token) headers.authorization = `Bearer ${token}`;
    const init: RequestInit = { method, headers, cache: 'no-store', ...(options.signal ? { signal: options.signal } : {}) };
    if (options.body !== undefined) init.body = JSON.stringify(options.body);

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
      throw new ApiError(response.status, 'invalid_response', `unexpected answer from ${method} ${path}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
    }
    return parsed.data;
  }
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
