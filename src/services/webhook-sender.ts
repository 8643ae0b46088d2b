/**
 * Sends webhook requests: POST the exact bytes, to the address the safety check resolved (the TLS
 * name check still uses the URL's host), with a timeout, without following redirects, reading at
 * most `maxResponseBytes` of the answer.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
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
 * A sender with its own keep-alive connection pools. Every *new* connection resolves the host and
 * checks the address in the pool's lookup, and connects to exactly that address; a reused
 * connection is already attached to a checked address.
 */
export function createWebhookSender(options: SendOptions) {
  const safeLookup: LookupFunction = (host, opts, callback) => {
    resolveAllowed(host, options).then(
      (resolved) => {
        if (opts.all) callback(null, [{ address: resolved.address, family: resolved.family }]);
        else callback(null, resolved.address, resolved.family);
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, '', 4),
    );
  };
  const pool = { keepAlive: true, maxSockets: 8, timeout: options.timeoutMs, lookup: safeLookup } as const;
  const agents = { 'http:': new HttpAgent(pool), 'https:': new HttpsAgent(pool) };

  /** A URL's parsed target, or why it may not be called; the answer for a URL never changes. */
  type Target = { readonly base: RequestOptions; readonly request: typeof httpRequest; readonly agent: HttpAgent } | { readonly error: string };
  const targets = new Map<string, Target>();
  const MAX_TARGETS = 1000;

  async function targetOf(url: string): Promise<Target> {
    const known = targets.get(url);
    if (known !== undefined) return known;
    let target: Target;
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'https:' && !(options.allowPrivate && parsed.protocol === 'http:')) throw new Error(`${parsed.protocol} URLs are not allowed`);
      // A literal address never goes through the lookup: check it here.
      if (isIP(parsed.hostname.replace(/^\[|\]$/g, '')) !== 0) await resolveAllowed(parsed.hostname, options);
      // What http.request would derive from the URL on every call, derived once.
      const base: RequestOptions = { protocol: parsed.protocol, hostname: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsed.port === '' ? undefined : Number(parsed.port), path: `${parsed.pathname}${parsed.search}` };
      target = parsed.protocol === 'https:' ? { base, request: httpsRequest, agent: agents['https:'] } : { base, request: httpRequest, agent: agents['http:'] };
    } catch (error) {
      target = { error: error instanceof Error ? error.message : String(error) };
    }
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(url, target);
    return target;
  }

  async function send(url: string, headers: Readonly<Record<string, string>>, body: string): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    const target = await targetOf(url);
    if ('error' in target) return { statusCode: null, latencyMs: elapsed(), error: target.error, excerpt: null };
    const { request, agent } = target;
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const finish = (result: Omit<SendResult, 'latencyMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...result, latencyMs: elapsed() });
      };
      const req = request({
        ...target.base,
        method: 'POST',
        agent,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'scimd-webhooks/1' },
      });
      const timer = setTimeout(() => {
        req.destroy();
        finish({ statusCode: null, error: `no response within ${options.timeoutMs} ms`, excerpt: null });
      }, options.timeoutMs);
      req.on('error', (error) => finish({ statusCode: null, error: error.message, excerpt: null }));
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => finish({ statusCode: res.statusCode ?? null, error: null, excerpt: Buffer.concat(chunks).toString('utf8') });
        res.on('data', (chunk: Buffer) => {
          const room = options.maxResponseBytes - size;
          if (room > 0) chunks.push(chunk.subarray(0, room));
          size += chunk.length;
          // Past the limit the rest is not read: the connection is dropped instead of reused.
          if (size >= options.maxResponseBytes) {
            res.destroy();
            done();
          }
        });
        res.on('end', done);
        res.on('error', done);
      });
      req.end(body);
    });
  }

  return {
    send,
    /** Closes the pooled connections. */
    close(): void {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
