/**
 * Opaque keyset cursors (RFC 9865 §2): the last row's sort value and id, plus a fingerprint of the
 * sort so a cursor cannot be replayed against a different ordering. Clients see base64url text.
 */
import { ScimError } from '../core/scim-error.ts';

/** The position after which the next page starts. */
export interface CursorPosition {
  /** Fingerprint of sortBy/sortOrder (and anything else that shapes the order). */
  readonly sort: string;
  /** The last row's sort key, `null` when it had none or the order is by id only. */
  readonly value: string | number | boolean | null;
  readonly id: string;
}

/** Encodes a position as an opaque cursor string. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.sort, position.value, position.id]), 'utf8').toString('base64url');
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
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid();
  const [s, value, id] = parsed as unknown[];
  const valueOk = value === null || ['string', 'number', 'boolean'].includes(typeof value);
  if (s !== sort || !valueOk || typeof id !== 'string') throw invalid();
  return { sort, value: value as string | number | boolean | null, id };
}
