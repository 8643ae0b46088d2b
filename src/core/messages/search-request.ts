/**
 * Query parameters of a listing (RFC 7644 §3.4.2) from a GET query string or a POST `.search`
 * body (SearchRequest, RFC 7644 §3.4.3), with RFC 9865 cursors. Both give the same ListQuery.
 */
import { badRequest } from '../scim-error.ts';
import { URN } from '../urns.ts';
import { describeValue } from '../schema/coerce-primitive.ts';
import { parseAttributeList } from '../projection/parse-attribute-list.ts';
import { optionalString, readFields, requireSchema } from './message-fields.ts';
import type { Fields } from './message-fields.ts';

export type SortOrder = 'ascending' | 'descending';

/** A normalised listing request; the filter is still text (parse it with `parseFilter`). */
export interface ListQuery {
  readonly attributes: readonly string[];
  readonly excludedAttributes: readonly string[];
  readonly filter?: string;
  readonly sortBy?: string;
  readonly sortOrder?: SortOrder;
  /** 1-based; values below 1 become 1, values above MAX_START_INDEX become it (RFC 7644 §3.4.2.4). */
  readonly startIndex: number;
  /** 0…maxCount; negative becomes 0, above the maximum is clamped (RFC 7644 §3.4.2.4). */
  readonly count: number;
  /** RFC 9865 cursor; the empty string asks for the first page. */
  readonly cursor?: string;
}

export interface ListQueryOptions {
  /** `count` when the client sends none (default 100). */
  readonly defaultCount?: number;
  /** The largest page served; larger `count`s are clamped (default 1000). */
  readonly maxCount?: number;
  /** Require the SearchRequest schema URN in a `.search` body (default false). */
  readonly strict?: boolean;
}

interface RawPaging {
  readonly startIndex: number | undefined;
  readonly count: number | undefined;
  readonly cursor: string | undefined;
}

/**
 * The largest startIndex used: beyond any realistic total, so a larger one still gives an empty
 * page (RFC 7644 §3.4.2.4), and small enough for every database's OFFSET (no overflow, no float).
 */
export const MAX_START_INDEX = 2 ** 31 - 1;

function paging(raw: RawPaging, options: ListQueryOptions): Pick<ListQuery, 'startIndex' | 'count' | 'cursor'> {
  const maxCount = options.maxCount ?? 1000;
  const count = Math.min(Math.max(raw.count ?? options.defaultCount ?? 100, 0), maxCount);
  if (raw.cursor !== undefined && raw.startIndex !== undefined) {
    throw badRequest('invalidValue', 'Use either "startIndex" or "cursor" to page, not both (RFC 9865)');
  }
  return {
    startIndex: Math.min(Math.max(raw.startIndex ?? 1, 1), MAX_START_INDEX),
    count,
    ...(raw.cursor === undefined ? {} : { cursor: raw.cursor }),
  };
}

function sortOrderOf(value: string | undefined, where: string): SortOrder | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (lower === 'ascending' || lower === 'descending') return lower;
  throw badRequest('invalidValue', `${where}"sortOrder" must be "ascending" or "descending", got ${describeValue(value)}`);
}

function withoutEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function assemble(parts: Omit<ListQuery, 'startIndex' | 'count' | 'cursor'>, page: Pick<ListQuery, 'startIndex' | 'count' | 'cursor'>): ListQuery {
  // Written out rather than filtered through Object.entries: this runs on every listing request.
  const { attributes, excludedAttributes, filter, sortBy, sortOrder } = parts;
  return {
    attributes,
    excludedAttributes,
    ...(filter === undefined ? {} : { filter }),
    ...(sortBy === undefined ? {} : { sortBy }),
    ...(sortOrder === undefined ? {} : { sortOrder }),
    ...page,
  };
}

const INTEGER = /^[+-]?\d+$/;

function integerText(value: string | undefined, label: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (!INTEGER.test(text)) throw badRequest('invalidValue', `${label} must be an integer, got "${value}"`);
  return Number(text);
}

const queryInteger = (value: string | undefined, name: string): number | undefined =>
  integerText(value, `Query parameter "${name}"`);

/**
 * Reads `filter`, `attributes`, `excludedAttributes`, `sortBy`, `sortOrder`, `startIndex`, `count`
 * and `cursor` from GET query parameters (names case-insensitive, unknown ones ignored —
 * docs/clients.md S20). Non-numeric paging values are a 400 invalidValue.
 */
export function parseListQuery(params: Readonly<Record<string, string | undefined>>, options: ListQueryOptions = {}): ListQuery {
  // Parameter names lower-cased once (the first spelling of a name wins, as a search would find it).
  const byName = new Map<string, string | undefined>();
  for (const key of Object.keys(params)) {
    const lower = key.toLowerCase();
    if (!byName.has(lower)) byName.set(lower, params[key]);
  }
  const get = (name: string): string | undefined => byName.get(name.toLowerCase());
  const page = paging(
    { startIndex: queryInteger(get('startIndex'), 'startIndex'), count: queryInteger(get('count'), 'count'), cursor: get('cursor') },
    options,
  );
  return assemble(
    {
      attributes: parseAttributeList(get('attributes')),
      excludedAttributes: parseAttributeList(get('excludedAttributes')),
      filter: withoutEmpty(get('filter')),
      sortBy: withoutEmpty(get('sortBy')),
      sortOrder: sortOrderOf(withoutEmpty(get('sortOrder')), 'Query parameter '),
    },
    page,
  );
}

function nameList(fields: Fields, name: string): readonly string[] {
  const value = fields.get(name.toLowerCase());
  if (value === undefined) return [];
  if (typeof value === 'string') return parseAttributeList(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.map((v) => v.trim()).filter((v) => v !== '');
  throw badRequest('invalidValue', `SearchRequest "${name}" must be an array of attribute names, got ${describeValue(value)}`);
}

function bodyInteger(fields: Fields, name: string): number | undefined {
  const value = fields.get(name.toLowerCase());
  if (value === undefined) return undefined;
  // Integral numbers beyond 2^53 (1e20, 9007199254740993) are still integers: paging clamps them.
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string') return integerText(value, `SearchRequest "${name}"`);
  throw badRequest('invalidValue', `SearchRequest "${name}" must be an integer, got ${describeValue(value)}`);
}

/**
 * Reads a SearchRequest body (`POST /.search`, RFC 7644 §3.4.3) into the same ListQuery as a GET.
 * Member names are case-insensitive; unknown members are ignored.
 */
export function parseSearchRequest(body: unknown, options: ListQueryOptions = {}): ListQuery {
  const fields = readFields(body, 'SearchRequest');
  if (options.strict) requireSchema(fields, URN.searchRequest, 'SearchRequest');
  const page = paging(
    { startIndex: bodyInteger(fields, 'startIndex'), count: bodyInteger(fields, 'count'), cursor: optionalString(fields, 'cursor', 'SearchRequest "cursor"') },
    options,
  );
  return assemble(
    {
      attributes: nameList(fields, 'attributes'),
      excludedAttributes: nameList(fields, 'excludedAttributes'),
      filter: withoutEmpty(optionalString(fields, 'filter', 'SearchRequest "filter"')),
      sortBy: withoutEmpty(optionalString(fields, 'sortBy', 'SearchRequest "sortBy"')),
      sortOrder: sortOrderOf(optionalString(fields, 'sortOrder', 'SearchRequest "sortOrder"'), 'SearchRequest '),
    },
    page,
  );
}
