/**
 * Reads a SCIM request body (RFC 7644 §3.1, §8.1): only `application/scim+json` and
 * `application/json` (any parameters, e.g. `; charset=utf-8`) are accepted — anything else is a
 * 415 — the size is capped before and while reading (413), and malformed JSON is a 400
 * `invalidSyntax` that says where the JSON broke.
 */
import { ScimError, badRequest } from '../core/scim-error.ts';
import { findUnstorable, unstorableError } from '../core/text.ts';

const ACCEPTED_TYPES = new Set(['application/scim+json', 'application/json']);

export interface ReadBodyOptions {
  /** The most bytes the body may have. */
  readonly maxBytes: number;
  /** Says what the limit is, for the 413 detail (e.g. "maxPayloadSize"). */
  readonly limitName?: string;
}

export interface ReadBody {
  /** The parsed JSON value. */
  readonly value: unknown;
  /** The body's size in bytes as received. */
  readonly bytes: number;
}

/** The bare media type of a Content-Type header, lower-cased (`undefined` when absent). */
export function mediaTypeOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const type = header.split(';')[0]?.trim().toLowerCase();
  return type === '' ? undefined : type;
}

function tooLarge(bytes: number | undefined, options: ReadBodyOptions): ScimError {
  const size = bytes === undefined ? 'larger than' : `${bytes} bytes; over`;
  return new ScimError(413, undefined, `The request body is ${size} the limit of ${options.maxBytes} bytes (${options.limitName ?? 'maxBodyBytes'})`);
}

async function readLimited(stream: ReadableStream<Uint8Array>, options: ReadBodyOptions): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > options.maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(undefined, options);
    }
    chunks.push(value);
  }
  return chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, total);
}

function parseJson(text: string): unknown {
  const trimmed = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (trimmed.trim() === '') throw badRequest('invalidSyntax', 'The request body is empty; send a JSON object');
  try {
    return JSON.parse(trimmed);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'it is not valid JSON';
    throw badRequest('invalidSyntax', `The request body is not valid JSON: ${reason}`);
  }
}

/**
 * Checks the media type and size of `request`'s body and parses it as JSON. Throws 415 for another
 * Content-Type (or none, when a body is present), 413 above `maxBytes`, 400 invalidSyntax for an
 * empty or malformed body.
 */
export async function readJsonBody(request: Request, options: ReadBodyOptions): Promise<ReadBody> {
  const declared = request.headers.get('Content-Length');
  const length = declared === null ? undefined : Number(declared);
  if (length !== undefined && Number.isFinite(length) && length > options.maxBytes) throw tooLarge(length, options);
  const type = mediaTypeOf(request.headers.get('Content-Type') ?? undefined);
  // With a declared length (within the limit, checked above) the body is exactly that long, so it
  // is read in one piece — @hono/node-server then reads the socket directly instead of building a
  // web stream. Without one (chunked), it is streamed and cut off at the limit.
  const declaredWithinLimit = length !== undefined && Number.isInteger(length) && length >= 0;
  const bytes = declaredWithinLimit
    ? new Uint8Array(await request.arrayBuffer())
    : request.body
      ? await readLimited(request.body, options)
      : new Uint8Array();
  if (type === undefined && bytes.byteLength === 0) {
    throw badRequest('invalidSyntax', 'The request has no body; send a JSON object as application/scim+json');
  }
  if (type === undefined || !ACCEPTED_TYPES.has(type)) {
    throw new ScimError(
      415,
      undefined,
      `Unsupported Content-Type ${type === undefined ? '(none)' : `"${type}"`}; send the body as application/scim+json or application/json`,
    );
  }
  const text = new TextDecoder('utf-8').decode(bytes);
  const value = parseJson(text);
  // NUL characters and lone surrogates stop here, for every endpoint and both databases alike.
  const bad = findUnstorable(value);
  if (bad !== undefined) throw unstorableError(`The request body at "${bad.path}"`, bad.reason);
  return { value, bytes: bytes.byteLength };
}
