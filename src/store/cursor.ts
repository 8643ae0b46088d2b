/**
 * Opaque keyset cursors (RFC 9865 §2): the last row's sort value and id, plus a fingerprint of the
 * sort so a cursor cannot be replayed against a different ordering, and optionally the walk's
 * `totalResults` with a fingerprint of the filter it counted, so the pages after the first need no
 * COUNT. Clients see base64url text.
 */
import { ScimError } from '../core/scim-error.ts';

/** The position after which the next page starts. */
export interface CursorPosition {
  /** Fingerprint of sortBy/sortOrder (and anything else that shapes the order). */
  readonly sort: string;
  /** The last row's sort key, `null` when it had none or the order is by id only. */
  readonly value: string | number | boolean | null;
  readonly id: string;
  /** `totalResults` counted on the walk's first page, and the fingerprint of the filter counted. */
  readonly total?: { readonly count: number; readonly filter: string };
}

/** Encodes a position as an opaque cursor string. */
export function encodeCursor(position: CursorPosition): string {
  const parts: unknown[] = [position.sort, position.value, position.id];
  if (position.total !== undefined) parts.push(position.total.count, position.total.filter);
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

const invalid = (): ScimError =>
  new ScimError(400, 'invalidValue', 'The cursor is not valid for this listing; start again without a cursor value.');

/** Decodes a cursor made by `encodeCursor` for the same sort, else 400 invalidValue. */
export function decodeCursor(cursor: string, sort: string): CursorPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || (parsed.length !== 3 && parsed.length !== 5)) throw invalid();
  const [s, value, id, count, filter] = parsed as unknown[];
  const valueOk = value === null || ['string', 'number', 'boolean'].includes(typeof value);
  if (s !== sort || !valueOk || typeof id !== 'string') throw invalid();
  const position = { sort, value: value as string | number | boolean | null, id };
  if (parsed.length === 3) return position;
  if (!Number.isSafeInteger(count) || (count as number) < 0 || typeof filter !== 'string') throw invalid();
  return { ...position, total: { count: count as number, filter } };
}
