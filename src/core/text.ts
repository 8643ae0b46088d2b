/**
 * What text scimd stores (docs/limits.md): no NUL character (U+0000: PostgreSQL text cannot hold
 * it) and no lone UTF-16 surrogate (`"\ud800"` in JSON: not Unicode, so neither UTF-8 database
 * can hold it faithfully). Both are rejected with 400 invalidValue on every database, naming where
 * they were found. Attribute values stored in indexed columns are also capped in UTF-8 bytes, far
 * below PostgreSQL's B-tree entry limit (about 2,700 bytes).
 */
import { isPlainObject } from './json.ts';
import { badRequest, type ScimError } from './scim-error.ts';

/** Most UTF-8 bytes of a value kept in an indexed column (userName, externalId, displayName …). */
export const MAX_INDEXED_VALUE_BYTES = 2048;
/** Deepest nesting of arrays and objects accepted in a request body. */
export const MAX_JSON_DEPTH = 64;
/** Most UTF-8 bytes of any other string attribute value. */
export const MAX_VALUE_BYTES = 32 * 1024;

/**
 * Attributes (lower-case, without array indexes or schema URN) whose values go into indexed
 * columns: the users and groups columns and the `value`/`type` of every multi-valued element.
 */
const INDEXED = new Set(['username', 'externalid', 'displayname', 'usertype', 'name.givenname', 'name.familyname']);
const INDEXED_SUB = new Set(['value', 'type']);

/** Why `text` cannot be stored, or `undefined` when it can. */
export function unstorableReason(text: string): string | undefined {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === 0) return 'a NUL character (U+0000)';
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i += 1;
        continue;
      }
      return `a lone UTF-16 surrogate (U+${code.toString(16).toUpperCase()})`;
    }
  }
  return undefined;
}

/** True when `text` has no NUL and no lone surrogate. */
export const isStorableText = (text: string): boolean => unstorableReason(text) === undefined;

/** The UTF-8 length of `text` (lone surrogates count as the 3 bytes of U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** The byte limit of the attribute at `path` (`emails[0].value`, `urn:…:User:manager.value` …). */
export function valueLimitOf(path: string): number {
  const bare = path.replace(/\[\d+\]/g, '').replace(/^urn:.*:/i, '').toLowerCase();
  const last = bare.slice(bare.lastIndexOf('.') + 1);
  return INDEXED.has(bare) || (bare.includes('.') && !bare.startsWith('name.') && INDEXED_SUB.has(last))
    ? MAX_INDEXED_VALUE_BYTES
    : MAX_VALUE_BYTES;
}

/** Throws 400 invalidValue when the string value of attribute `path` cannot be stored or is too long. */
export function checkStoredText(text: string, path: string): void {
  const reason = unstorableReason(text);
  if (reason !== undefined) throw badRequest('invalidValue', `Attribute "${path}" contains ${reason}, which scimd does not store`);
  // Cheap bounds first: a string of n UTF-16 units has at most 3n UTF-8 bytes, so one of at most
  // 682 units is within every limit and its path need not be looked at (almost every value).
  if (text.length * 3 <= MAX_INDEXED_VALUE_BYTES) return;
  const limit = valueLimitOf(path);
  if (text.length * 3 <= limit) return;
  const bytes = utf8Length(text);
  if (bytes > limit) throw badRequest('invalidValue', `Attribute "${path}" is ${bytes} bytes long; at most ${limit} bytes (UTF-8) are stored`);
}

/** The first string (or object key) in a JSON value that cannot be stored, with its JSON path. */
export function findUnstorable(value: unknown, path = '', depth = 0): { readonly path: string; readonly reason: string } | undefined {
  if (typeof value === 'string') {
    const reason = unstorableReason(value);
    return reason === undefined ? undefined : { path: path || '(the body)', reason };
  }
  // No SCIM message nests this deep; stopping here keeps the walk (and later ones) off the stack limit.
  if (depth > MAX_JSON_DEPTH) return { path, reason: `nesting deeper than ${MAX_JSON_DEPTH} levels` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = findUnstorable(value[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (!isPlainObject(value)) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const keyReason = unstorableReason(key);
    const at = path === '' ? key : `${path}.${key}`;
    if (keyReason !== undefined) return { path: at, reason: keyReason };
    const found = findUnstorable(inner, at, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The 400 invalidValue for text found by `findUnstorable` or `unstorableReason`. */
export function unstorableError(where: string, reason: string): ScimError {
  return badRequest('invalidValue', `${where} contains ${reason}, which scimd does not store`);
}

/** `text` with every NUL character and lone surrogate replaced by U+FFFD (for logs and samples). */
export function toStorableText(text: string): string {
  if (isStorableText(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += text.slice(i, i + 2);
      i += 1;
    } else out += code === 0 || (code >= 0xd800 && code <= 0xdfff) ? '\uFFFD' : text[i];
  }
  return out;
}

/** A JSON value with `toStorableText` applied to every string and key. */
export function toStorableJson(value: unknown): unknown {
  if (typeof value === 'string') return toStorableText(value);
  if (Array.isArray(value)) return value.map(toStorableJson);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [toStorableText(k), toStorableJson(v)]));
}
