/**
 * How resources leave the server: `meta.location` under the request's base URL (RFC 7643 §3.1),
 * projection by `attributes` / `excludedAttributes` (RFC 7644 §3.9), `ETag` headers from the
 * version (RFC 7644 §3.14), and ListResponses with integer paging fields (RFC 7644 §3.4.2).
 */
import type { Context } from 'hono';
import { listResponse, type ListResponse } from '../../core/messages/list-response.ts';
import type { ListQuery } from '../../core/messages/search-request.ts';
import type { ProjectionRequest } from '../../core/projection/compile-request.ts';
import { parseAttributeList } from '../../core/projection/parse-attribute-list.ts';
import { project } from '../../core/projection/project.ts';
import { selectValueFilters } from '../../core/projection/value-filters.ts';
import { spliceDefaultView } from '../../core/projection/stored-view.ts';
import type { ResourceSchemas, ScimResource } from '../../core/schema/types.ts';
import { etagOf, versionFromEtag } from '../../services/context.ts';
import type { AppEnv } from '../env.ts';
import { JsonText } from '../respond.ts';
import type { ResourceEndpoint, ResourcePage, ResourceView } from './resources.ts';

/**
 * The `attributes` / `excludedAttributes` query parameters (names case-insensitive). In the
 * lenient profile `attributes` may hold value filters (`emails[type eq "work"]`).
 */
export function projectionOf(c: Context<AppEnv>): ProjectionRequest {
  const params = c.req.query();
  const get = (name: string) => Object.entries(params).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  return projectionRequestOf(get('attributes'), get('excludedAttributes'), !(c.get('operation')?.strict ?? false));
}

/** A projection request from the two parameters' text; `lenient` takes value filters out of `attributes`. */
export function projectionRequestOf(attributes: string | undefined, excludedAttributes: string | undefined, lenient: boolean): ProjectionRequest {
  return withValueFilters({ attributes: parseAttributeList(attributes), excludedAttributes: parseAttributeList(excludedAttributes) }, lenient);
}

/** `request` with the value filters of its `attributes` taken out (lenient profile only; strict ignores such names). */
export function withValueFilters(request: ProjectionRequest, lenient: boolean): ProjectionRequest {
  const included = request.attributes ?? [];
  if (!lenient || !included.some((name) => name.includes('['))) return request;
  const { names, valueFilters } = selectValueFilters(included, { bareWords: true });
  return { attributes: names, excludedAttributes: request.excludedAttributes ?? [], valueFilters };
}

/** True when the client named attributes to return or leave out. */
export function asksForAttributes(request: ProjectionRequest): boolean {
  return (request.attributes?.length ?? 0) > 0 || (request.excludedAttributes?.length ?? 0) > 0;
}

/** The canonical URL of a resource (RFC 7643 §3.1 `meta.location`). */
export function locationOf(baseUrl: string, endpoint: ResourceEndpoint, id: string): string {
  return `${baseUrl}/${endpoint.segment}/${encodeURIComponent(id)}`;
}

/**
 * The computed attribute (a group's `members`, a user's `groups`) with each value's `$ref`, the URL
 * of the member or group (RFC 7643 §4.1.2, §4.2), which /Schemas advertises as returned by default.
 */
function withReferences(values: unknown, endpoint: ResourceEndpoint, baseUrl: string): unknown {
  if (!Array.isArray(values)) return values;
  return values.map((item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
    const { value, ...rest } = item as Record<string, unknown>;
    if (typeof value !== 'string') return item;
    const segment = endpoint.computed === 'groups' || rest['type'] === 'Group' ? 'Groups' : 'Users';
    return { value, $ref: `${baseUrl}/${segment}/${encodeURIComponent(value)}`, ...rest };
  });
}

/** Adds `meta.location` and the `$ref`s of the computed attribute, and applies the projection. */
export function presentResource(
  view: ResourceView,
  endpoint: ResourceEndpoint,
  schemas: ResourceSchemas,
  baseUrl: string,
  request: ProjectionRequest,
): ScimResource {
  const resource = view.resource;
  const meta = typeof resource['meta'] === 'object' && resource['meta'] !== null ? resource['meta'] : {};
  const located: ScimResource = { ...resource, meta: { ...meta, location: locationOf(baseUrl, endpoint, String(resource['id'])) } };
  const computed = resource[endpoint.computed];
  return project(computed === undefined ? located : { ...located, [endpoint.computed]: withReferences(computed, endpoint, baseUrl) }, schemas, request);
}

/**
 * `presentResource` as JSON text. When the request names no attributes and the store handed over the
 * resource's JSON text, the text is spliced (core `spliceDefaultView`) instead of parsed, projected
 * and serialised again; the splice declines whenever projection would change anything else.
 */
export function presentJson(
  view: ResourceView,
  endpoint: ResourceEndpoint,
  schemas: ResourceSchemas,
  baseUrl: string,
  request: ProjectionRequest,
): string {
  if (view.storedJson !== undefined && !asksForAttributes(request)) {
    const computed = view.resource[endpoint.computed];
    const spliced = spliceDefaultView(view.storedJson, schemas, {
      location: locationOf(baseUrl, endpoint, String(view.resource['id'])),
      ...(computed === undefined ? {} : { computed: { name: endpoint.computed, json: JSON.stringify(withReferences(computed, endpoint, baseUrl)) } }),
    });
    if (spliced !== undefined) return spliced;
  }
  return JSON.stringify(presentResource(view, endpoint, schemas, baseUrl, request));
}

function envelope(page: ResourcePage, query: ListQuery, resources: readonly ScimResource[]): ListResponse {
  return listResponse({
    resources,
    totalResults: page.totalResults ?? resources.length,
    ...(query.cursor === undefined ? { startIndex: query.startIndex } : {}),
    ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
  });
}

/** A listing page as a ListResponse: index pages carry `startIndex`, cursor pages `nextCursor`. */
export function presentPage(page: ResourcePage, query: ListQuery, render: (view: ResourceView) => ScimResource): ListResponse {
  return envelope(page, query, page.resources.map(render));
}

/** `presentPage` as JSON text, each resource rendered as JSON text by `render` (`presentJson`). */
export function presentPageJson(page: ResourcePage, query: ListQuery, render: (view: ResourceView) => string): JsonText {
  const items = page.resources.map(render);
  const list = envelope(page, query, []);
  const empty = JSON.stringify({ ...list, itemsPerPage: items.length, totalResults: page.totalResults ?? items.length });
  // `Resources` is the last member of a ListResponse (listResponse), written empty: put the items in.
  if (!empty.endsWith('"Resources":[]}')) throw new Error('presentPageJson: Resources must be the last member of a ListResponse');
  return new JsonText(`${empty.slice(0, -3)}[${items.join(',')}]}`);
}

function entityTags(header: string): string[] {
  return header.split(',').map((t) => t.trim()).filter((t) => t !== '');
}

/** True when an `If-None-Match` header names the current version (or `*`): answer 304. */
export function matchesNoneMatch(header: string | undefined, version: number): boolean {
  if (header === undefined) return false;
  return entityTags(header).some((tag) => {
    const named = versionFromEtag(tag);
    return named === '*' || named === version;
  });
}

/**
 * What an `If-Match` header asks for (RFC 7232 §3.1): `undefined` when absent or `*`, else the
 * versions it names (`[]` when none could be a version of ours, so nothing matches).
 */
export function ifMatchVersions(header: string | undefined): number[] | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const named = entityTags(header).map(versionFromEtag);
  if (named.includes('*')) return undefined;
  return named.filter((v): v is number => typeof v === 'number');
}

/** Response headers for a resource: its ETag, and on create its Location. */
export function resourceHeaders(view: ResourceView, location?: string): Record<string, string> {
  return { ETag: etagOf(view.version), ...(location === undefined ? {} : { Location: location }) };
}
