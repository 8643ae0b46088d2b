/** The ListResponse message (RFC 7644 §3.4.2), with the cursor fields of RFC 9865. */
import { URN } from '../urns.ts';
import type { ScimResource } from '../schema/types.ts';

/** What a listing produced; `itemsPerPage` defaults to the number of resources returned. */
export interface ListResponseInput {
  readonly resources: readonly ScimResource[];
  readonly totalResults: number;
  /** 1-based index of the first resource; left out for cursor pages when not given. */
  readonly startIndex?: number;
  readonly itemsPerPage?: number;
  readonly nextCursor?: string;
  readonly previousCursor?: string;
}

/** The wire shape: integers (never strings) and `Resources` always present (docs/clients.md S17). */
export interface ListResponse {
  readonly schemas: readonly [typeof URN.listResponse];
  readonly totalResults: number;
  readonly startIndex?: number;
  readonly itemsPerPage: number;
  readonly nextCursor?: string;
  readonly previousCursor?: string;
  readonly Resources: readonly ScimResource[];
}

function count(name: string, value: number, minimum: number): number {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new TypeError(`listResponse: ${name} must be an integer ≥ ${minimum}, got ${String(value)}`);
  }
  return value;
}

/** Builds a ListResponse (RFC 7644 §3.4.2; `nextCursor`/`previousCursor` per RFC 9865 §2). */
export function listResponse(input: ListResponseInput): ListResponse {
  return {
    schemas: [URN.listResponse],
    totalResults: count('totalResults', input.totalResults, 0),
    ...(input.startIndex === undefined ? {} : { startIndex: count('startIndex', input.startIndex, 1) }),
    itemsPerPage: count('itemsPerPage', input.itemsPerPage ?? input.resources.length, 0),
    ...(input.nextCursor === undefined ? {} : { nextCursor: input.nextCursor }),
    ...(input.previousCursor === undefined ? {} : { previousCursor: input.previousCursor }),
    Resources: input.resources,
  };
}
