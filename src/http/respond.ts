/**
 * Writes SCIM JSON responses: `Content-Type: application/scim+json; charset=utf-8` (RFC 7644 §3.1,
 * docs/clients.md S6), an exact `Content-Length`, and gzip when the client accepts it and the body
 * is large enough for compression to pay off.
 */
import { gzipSync } from 'node:zlib';
import { SECURITY_HEADERS, withSecurityHeadersSet } from './security-headers.ts';

/** The media type of every SCIM response body (RFC 7644 §3.1). */
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/**
 * Bodies below this many bytes are sent uncompressed: gzip costs more CPU than the bytes it saves
 * on a single lookup or an error body (measured in docs/http.md).
 */
export const GZIP_THRESHOLD_BYTES = 1400;

/** True when `Accept-Encoding` lists gzip (or `*`) with a non-zero quality. */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const part of header.split(',')) {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    const name = coding.trim();
    if (name !== 'gzip' && name !== 'x-gzip' && name !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

/** A response body serialised already (e.g. spliced from stored JSON): sent as it is. */
export class JsonText {
  constructor(readonly text: string) {}
}

export interface ScimResponseOptions {
  readonly status: number;
  /** The JSON body: a value to serialise, or {@link JsonText}. */
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** The request's `Accept-Encoding` header. */
  readonly acceptEncoding?: string | undefined;
}

/**
 * Builds a SCIM JSON response (gzip-compressed when accepted and worthwhile). Headers are a plain
 * object: @hono/node-server writes such a response straight to the socket, where a `Headers`
 * instance would cost a conversion on every request.
 */
export function scimResponse(options: ScimResponseOptions): Response {
  const text = options.body instanceof JsonText ? options.body.text : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...SECURITY_HEADERS, ...options.headers, 'Content-Type': SCIM_CONTENT_TYPE };
  let payload: string | Uint8Array = text;
  if (text.length >= GZIP_THRESHOLD_BYTES) {
    headers['Vary'] = 'Accept-Encoding';
    if (acceptsGzip(options.acceptEncoding)) {
      payload = gzipSync(text, { level: 6 });
      headers['Content-Encoding'] = 'gzip';
    }
  }
  headers['Content-Length'] = String(typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength);
  return withSecurityHeadersSet(new Response(payload, { status: options.status, headers }));
}

/** An empty response (204, 304) with the given headers. */
export function emptyResponse(status: 204 | 304, headers: Readonly<Record<string, string>> = {}): Response {
  return withSecurityHeadersSet(new Response(null, { status, headers: { ...SECURITY_HEADERS, ...headers } }));
}
