// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests assert on whatever JSON came back
export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A minimal JSON HTTP client for tests; sends `token` as a bearer token when given. */
export function jsonClient(baseUrl: string, token?: string) {
  const call = async (method: string, path: string, body?: unknown): Promise<JsonResponse> => {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown) => call('POST', path, body),
    patch: (path: string, body: unknown) => call('PATCH', path, body),
  };
}
