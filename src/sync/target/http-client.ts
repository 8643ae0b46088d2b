import http from 'node:http';
import https from 'node:https';

/**
 * The HTTP side of a SCIM target or source: node:http(s) with keep-alive connections (as many as
 * the concurrency allows) and a bearer token, a per-request timeout,
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
  /** Sees every attempt and its answer (provision on demand shows them as its steps' details). */
  readonly onExchange?: (exchange: HttpExchange) => void;
}

/** One request attempt and what came back (no response: a network error). */
export interface HttpExchange {
  readonly method: string;
  readonly url: string;
  readonly body: unknown;
  readonly status?: number;
  readonly responseText?: string;
  readonly error?: string;
}

export interface HttpResponse {
  readonly status: number;
  /** Response header lookup (case-insensitive). */
  readonly headers: { get(name: string): string | null };
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

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** One request over a keep-alive agent; rejects on network errors and on the timeout. */
function exchange(agent: http.Agent, url: URL, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<HttpResponse> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, { method, headers, agent, timeout: timeoutMs }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('error', reject);
      response.on('end', () => {
        const raw = response.headers;
        resolve({
          status: response.statusCode ?? 0,
          headers: { get: (name) => ((value) => (value === undefined ? null : Array.isArray(value) ? value.join(', ') : value))(raw[name.toLowerCase()]) },
          text,
          json: parseJson(text),
        });
      });
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

/** Creates the client. `request` resolves with every final response, errors included; it throws only after retries ran out on transient failures. */
export function createHttpClient(options: HttpOptions) {
  const sleep = options.sleep ?? sleepReal;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const backoff = options.backoffMs ?? 1000;
  const maxRetryAfter = options.maxRetryAfterMs ?? 120_000;
  const limit = limiter(options.concurrency);
  const stats: HttpStats = { requests: 0, retries: 0, throttled: 0 };
  const base = options.baseUrl.replace(/\/+$/, '');
  const agent = new (base.startsWith('https:') ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: options.concurrency });

  async function attempt(method: string, url: string, body: unknown): Promise<HttpResponse> {
    stats.requests += 1;
    const headers: Record<string, string> = { Accept: 'application/scim+json, application/json', Authorization: `Bearer ${options.token}` };
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/scim+json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    if (options.onExchange === undefined) return exchange(agent, new URL(url), method, headers, payload, options.timeoutMs);
    try {
      const response = await exchange(agent, new URL(url), method, headers, payload, options.timeoutMs);
      options.onExchange({ method, url, body, status: response.status, responseText: response.text });
      return response;
    } catch (error) {
      options.onExchange({ method, url, body, error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
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
          const reason = failure instanceof Error ? failure.message : String(failure);
          throw new HttpError(`${method} ${url}: ${reason}`);
        }
        stats.retries += 1;
        await sleep(Math.floor(random() * Math.min(30_000, backoff * 2 ** tries)));
      }
    });
  }

  return {
    request,
    stats,
    baseUrl: base,
    /** Closes the idle keep-alive connections. */
    close: () => agent.destroy(),
  };
}

export type HttpClient = ReturnType<typeof createHttpClient>;
