/**
 * The HTTP side of a SCIM target or source: `fetch` with a bearer token, a per-request timeout,
 * bounded concurrency, retries of transient failures (network errors, 408, 5xx) with exponential
 * backoff and full jitter, and 429 answered by waiting for `Retry-After` (seconds or an HTTP date).
 * Counts every request sent, so cycles can report how much traffic they caused.
 */

export interface HttpOptions {
  readonly baseUrl: string;
  readonly token: string;
  readonly timeoutMs: number;
  /** Retries after the first attempt, for transient failures and 429. */
  readonly retries: number;
  readonly concurrency: number;
  /** First backoff step (1 s by default); doubled per attempt, capped at 30 s. */
  readonly backoffMs?: number;
  /** Longest Retry-After honoured (120 s by default); longer waits are cut to this. */
  readonly maxRetryAfterMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  readonly json: unknown;
}

/** A request that failed for good: the final response (or none, for network errors). */
export class HttpError extends Error {
  readonly code = 'SYNC_HTTP_FAILED';
  readonly status: number | undefined;
  readonly response: HttpResponse | undefined;
  constructor(message: string, response?: HttpResponse) {
    super(message);
    this.status = response?.status;
    this.response = response;
  }
}

export interface HttpStats {
  /** Requests sent, retries included. */
  requests: number;
  retries: number;
  throttled: number;
}

const sleepReal = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Milliseconds to wait from a Retry-After header value, or undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const transient = (status: number) => status === 408 || status >= 500;

/** A small counting semaphore. */
function limiter(max: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      return await fn();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}

async function readBody(response: Response): Promise<HttpResponse> {
  const text = await response.text();
  let json: unknown;
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Creates the client. `request` resolves with every final response, errors included; it throws only after retries ran out on transient failures. */
export function createHttpClient(options: HttpOptions) {
  const sleep = options.sleep ?? sleepReal;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  const backoff = options.backoffMs ?? 1000;
  const maxRetryAfter = options.maxRetryAfterMs ?? 120_000;
  const limit = limiter(options.concurrency);
  const stats: HttpStats = { requests: 0, retries: 0, throttled: 0 };
  const base = options.baseUrl.replace(/\/+$/, '');

  async function attempt(method: string, url: string, body: unknown): Promise<HttpResponse> {
    stats.requests += 1;
    const headers: Record<string, string> = { Accept: 'application/scim+json, application/json', Authorization: `Bearer ${options.token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/scim+json';
    const response = await doFetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    return readBody(response);
  }

  async function request(method: string, path: string, body?: unknown): Promise<HttpResponse> {
    const url = path.startsWith('http') ? path : `${base}${path}`;
    return limit(async () => {
      for (let tries = 0; ; tries += 1) {
        let response: HttpResponse | undefined;
        let failure: unknown;
        try {
          response = await attempt(method, url, body);
        } catch (error) {
          failure = error;
        }
        const last = tries >= options.retries;
        if (response !== undefined && response.status === 429) {
          stats.throttled += 1;
          if (last) throw new HttpError(`${method} ${url}: still throttled (429) after ${tries + 1} attempts`, response);
          const wait = retryAfterMs(response.headers.get('Retry-After'), now()) ?? backoff * 2 ** tries;
          stats.retries += 1;
          await sleep(Math.min(wait, maxRetryAfter));
          continue;
        }
        if (response !== undefined && !transient(response.status)) return response;
        if (last) {
          if (response !== undefined) return response;
          const reason = failure instanceof Error ? ((failure.cause as Error | undefined)?.message ?? failure.message) : String(failure);
          throw new HttpError(`${method} ${url}: ${reason}`);
        }
        stats.retries += 1;
        await sleep(Math.floor(random() * Math.min(30_000, backoff * 2 ** tries)));
      }
    });
  }

  return { request, stats, baseUrl: base };
}

export type HttpClient = ReturnType<typeof createHttpClient>;
