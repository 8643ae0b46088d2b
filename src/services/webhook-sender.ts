/**
 * Sends webhook requests: POST the exact bytes, to the address the safety check resolved (the TLS
 * name check still uses the URL's host), with a timeout, without following redirects, reading at
 * most `maxResponseBytes` of the answer. The transport is undici's dispatcher (no streams, no
 * IncomingMessage per request), which costs the delivery thread much less CPU per event than
 * node:http's client.
 */
import { createRequire } from 'node:module';
import { isIP, type LookupFunction } from 'node:net';
import type * as Undici from 'undici';
import type { Agent, Dispatcher } from 'undici';
import { resolveAllowed, type WebhookSafety } from './webhook-safety.ts';

export interface SendOptions extends WebhookSafety {
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

export interface SendResult {
  /** Null when no response came. */
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
  /** The start of the response body, as text. */
  readonly excerpt: string | null;
}

/**
 * undici, loaded on the first send: requiring it takes ~95 ms on this machine, which a server
 * would otherwise spend at start-up on every process, including those that never deliver.
 */
const requireModule = createRequire(import.meta.url);
let undici: typeof Undici | undefined;
const loadUndici = (): typeof Undici => (undici ??= requireModule('undici') as typeof Undici);

/** Keep-alive connections per origin (scheme, host and port). */
const CONNECTIONS_PER_ORIGIN = 8;
const MAX_TARGETS = 1000;

/** A URL's parsed target, or why it may not be called; the answer for a URL never changes. */
type Target = { readonly origin: string; readonly path: string } | { readonly error: string };

/** What one request reports back: the result without its latency. */
type Outcome = Omit<SendResult, 'latencyMs'>;

/**
 * A lookup for the connections' `net.connect`/`tls.connect`: resolves the host and hands back only
 * the address `resolveAllowed` checked, so a new connection goes to exactly that address.
 */
function safeLookup(safety: WebhookSafety): LookupFunction {
  return (host, opts, callback) => {
    resolveAllowed(host, safety).then(
      (resolved) => {
        if (opts.all) callback(null, [{ address: resolved.address, family: resolved.family }]);
        else callback(null, resolved.address, resolved.family);
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, '', 4),
    );
  };
}

/** Parses and checks a URL: the scheme, and a literal address (a name is checked at connect time). */
async function parseTarget(url: string, options: SendOptions): Promise<Target> {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && !(options.allowPrivate && parsed.protocol === 'http:')) throw new Error(`${parsed.protocol} URLs are not allowed`);
    // A literal address never goes through the lookup: check it here.
    if (isIP(parsed.hostname.replace(/^\[|\]$/g, '')) !== 0) await resolveAllowed(parsed.hostname, options);
    return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** The undici error codes for a connect, headers or body timeout. */
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * One request's handler: collects up to `maxResponseBytes` of the body and reports once. Past the
 * limit the rest is not read: the request is aborted, which drops the connection instead of
 * reusing it. `expire` reports the timeout and aborts the request, now or as soon as it starts.
 */
function responseHandler(options: SendOptions, report: (outcome: Outcome) => void) {
  const timeoutError = `no response within ${options.timeoutMs} ms`;
  const chunks: Buffer[] = [];
  let size = 0;
  let statusCode = 0;
  let done = false;
  let controller: Dispatcher.DispatchController | null = null;
  const finish = (outcome: Outcome) => {
    if (done) return;
    done = true;
    report(outcome);
  };
  const complete = () => finish({ statusCode, error: null, excerpt: Buffer.concat(chunks).toString('utf8') });
  const handler: Dispatcher.DispatchHandler = {
    onRequestStart(started) {
      controller = started;
      if (done) started.abort(new Error(timeoutError));
    },
    onResponseStart(_controller, status) {
      statusCode = status;
    },
    onResponseData(current, chunk) {
      const room = options.maxResponseBytes - size;
      if (room > 0) chunks.push(room >= chunk.length ? chunk : chunk.subarray(0, room));
      size += chunk.length;
      if (size >= options.maxResponseBytes) {
        complete();
        // Paused, the parser stops here; aborting once it has unwound (not from inside its
        // callback, where the same chunk may also complete the message) destroys the connection.
        current.pause();
        queueMicrotask(() => current.abort(new Error('response larger than maxResponseBytes')));
      }
    },
    onResponseEnd: complete,
    onResponseError: (_controller, error) => fail(error),
  };
  /** A body cut short still reports the status and what came; a timeout never does (as `expire`). */
  const fail = (error: Error) => {
    if (TIMEOUT_CODES.has((error as { code?: string }).code ?? '')) finish({ statusCode: null, error: timeoutError, excerpt: null });
    else if (statusCode !== 0) complete();
    else finish({ statusCode: null, error: error.message, excerpt: null });
  };
  const expire = () => {
    finish({ statusCode: null, error: timeoutError, excerpt: null });
    controller?.abort(new Error(timeoutError));
  };
  return { handler, expire, fail };
}

/**
 * A sender with its own keep-alive connection pools (an undici Agent: one pool per origin). Every
 * *new* connection resolves the host and checks the address in the connector's lookup, and
 * connects to exactly that address; a reused connection is already attached to a checked address.
 * TLS uses the URL's host as the server name. Redirects are never followed (the bare dispatcher
 * has no redirect handling).
 */
export function createWebhookSender(options: SendOptions) {
  let agent: Agent | undefined;
  const agentOf = (): Agent =>
    (agent ??= new (loadUndici().Agent)({
      connections: CONNECTIONS_PER_ORIGIN,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: { timeout: options.timeoutMs, lookup: safeLookup(options) },
    }));
  const targets = new Map<string, Target>();

  async function targetOf(url: string): Promise<Target> {
    const known = targets.get(url);
    if (known !== undefined) return known;
    const target = await parseTarget(url, options);
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(url, target);
    return target;
  }

  /** POSTs `body` to `url`; never throws: a failure is a result with `error`. */
  async function send(url: string, headers: Readonly<Record<string, string>>, body: string): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    const target = await targetOf(url);
    if ('error' in target) return { statusCode: null, latencyMs: elapsed(), error: target.error, excerpt: null };
    const bytes = Buffer.from(body, 'utf8');
    return new Promise<SendResult>((resolve) => {
      const { handler, expire, fail } = responseHandler(options, (outcome) => {
        clearTimeout(timer);
        resolve({ ...outcome, latencyMs: elapsed() });
      });
      const timer = setTimeout(expire, options.timeoutMs);
      const request: Dispatcher.DispatchOptions = {
        origin: target.origin,
        path: target.path,
        method: 'POST',
        body: bytes,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(bytes.length), 'user-agent': 'scimd-webhooks/1' },
      };
      try {
        agentOf().dispatch(request, handler);
      } catch (error) {
        // undici reports bad options to the handler; anything thrown all the same is a failed send.
        fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  return {
    send,
    /** Closes the pooled connections. */
    close(): void {
      agent?.destroy().catch(() => undefined);
    },
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
