/**
 * Sends one webhook request: POST the exact bytes, to the address the safety check resolved (the
 * TLS name check still uses the URL's host), with a timeout, without following redirects, reading
 * at most `maxResponseBytes` of the answer.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
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

/** POSTs `body` to `url` (see the module comment); never throws. */
export async function sendWebhook(url: string, headers: Readonly<Record<string, string>>, body: string, options: SendOptions): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  let target: URL;
  let resolved: { address: string; family: 4 | 6 };
  try {
    target = new URL(url);
    if (target.protocol !== 'https:' && !(options.allowPrivate && target.protocol === 'http:')) throw new Error(`${target.protocol} URLs are not allowed`);
    resolved = await resolveAllowed(target.hostname, options);
  } catch (error) {
    return { statusCode: null, latencyMs: elapsed(), error: error instanceof Error ? error.message : String(error), excerpt: null };
  }
  // Connect to the checked address whatever the name resolves to now.
  const pinned: LookupFunction = (_host, opts, callback) => {
    if (opts.all) callback(null, [{ address: resolved.address, family: resolved.family }]);
    else callback(null, resolved.address, resolved.family);
  };
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<SendResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, latencyMs: elapsed() });
    };
    const req = send(target, {
      method: 'POST',
      lookup: pinned,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'scimd-webhooks/1' },
      agent: false,
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish({ statusCode: null, error: `no response within ${options.timeoutMs} ms`, excerpt: null });
    }, options.timeoutMs);
    req.on('error', (error) => finish({ statusCode: null, error: error.message, excerpt: null }));
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        res.destroy();
        finish({ statusCode: res.statusCode ?? null, error: null, excerpt: Buffer.concat(chunks).toString('utf8') });
      };
      res.on('data', (chunk: Buffer) => {
        const room = options.maxResponseBytes - size;
        if (room > 0) chunks.push(chunk.subarray(0, room));
        size += chunk.length;
        if (size >= options.maxResponseBytes) done();
      });
      res.on('end', done);
      res.on('error', done);
    });
    req.end(body);
  });
}
