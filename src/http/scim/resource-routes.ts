/**
 * The resource endpoints `/Users`, `/Users/{id}`, `/Groups`, `/Groups/{id}` and
 * `/{Users|Groups}/.search` (RFC 7644 §3.3–§3.6, §3.4.3). Each handler parses the request, calls
 * one use case and renders the result.
 */
import type { Context, Hono } from 'hono';
import { parsePatchRequest } from '../../core/messages/patch-request.ts';
import { parseListQuery, parseSearchRequest, type ListQuery } from '../../core/messages/search-request.ts';
import type { OperationContext } from '../../services/context.ts';
import { readJsonBody } from '../body.ts';
import type { AppEnv } from '../env.ts';
import { emptyResponse, JsonText } from '../respond.ts';
import {
  asksForAttributes,
  ifMatchVersions,
  locationOf,
  matchesNoneMatch,
  presentJson,
  presentPageJson,
  projectionOf,
  resourceHeaders,
  withValueFilters,
} from './present.ts';
import type { ResourceEndpoint, ResourceView } from './resources.ts';
import { send, tracked, type ScimContext } from './scim-context.ts';

/** The version to pass as `expectedVersion` for an `If-Match` header (-1 when nothing can match). */
async function expectedVersion(c: Context<AppEnv>, endpoint: ResourceEndpoint, id: string): Promise<number | undefined> {
  const versions = ifMatchVersions(c.req.header('If-Match'));
  if (versions === undefined) return undefined;
  if (versions.length <= 1) return versions[0] ?? -1;
  // Several tags: the write must go ahead when the current version is any of them.
  const current = await endpoint.get(c.get('operation'), id, { excludedAttributes: ['groups', 'members'] });
  return versions.includes(current.version) ? current.version : -1;
}

/** Renders a listing (GET or `.search`) of one endpoint. */
async function listing(c: Context<AppEnv>, setup: ScimContext, endpoint: ResourceEndpoint, request: ListQuery): Promise<Response> {
  const ctx = c.get('operation');
  const projection = withValueFilters(request, !(ctx.strict ?? false));
  const query = { ...request, attributes: projection.attributes ?? [] };
  const page = await endpoint.list(ctx, query);
  const schemas = endpoint.schemas(ctx.orgId);
  const base = setup.baseUrl(c);
  return send(c, 200, presentPageJson(page, query, (view) => presentJson(view, endpoint, schemas, base, projection)));
}

function pagingOptions(setup: ScimContext, ctx: OperationContext) {
  return { defaultCount: setup.limits.defaultPageSize, maxCount: setup.limits.maxPageSize, strict: ctx.strict ?? false };
}

/** The `{id}` path segment. */
const idOf = (c: Context<AppEnv>): string => c.req.param('id') ?? '';

/** Reads a JSON body within the request-size limit. */
export async function bodyOf(c: Context<AppEnv>, setup: ScimContext): Promise<unknown> {
  return (await readJsonBody(c.req.raw, { maxBytes: setup.limits.maxBodyBytes })).value;
}

function registerCollection(app: Hono<AppEnv>, setup: ScimContext, endpoint: ResourceEndpoint, path: string): void {
  app.get(path, (c) => listing(c, setup, endpoint, parseListQuery(c.req.query(), pagingOptions(setup, c.get('operation')))));

  app.post(`${path}/.search`, async (c) => {
    const query = parseSearchRequest(await bodyOf(c, setup), pagingOptions(setup, c.get('operation')));
    return listing(c, setup, endpoint, query);
  });

  app.post(path, async (c) => {
    const ctx = c.get('operation');
    const body = await bodyOf(c, setup);
    const view = await tracked(setup, endpoint.type, 'create', () => endpoint.create(ctx, body));
    const base = setup.baseUrl(c);
    const location = locationOf(base, endpoint, String(view.resource['id']));
    const rendered = presentJson(view, endpoint, endpoint.schemas(ctx.orgId), base, projectionOf(c));
    return send(c, 201, new JsonText(rendered), resourceHeaders(view, location));
  });
}

function registerItem(app: Hono<AppEnv>, setup: ScimContext, endpoint: ResourceEndpoint, path: string): void {
  const render = (c: Context<AppEnv>, status: number, view: ResourceView) => {
    const ctx = c.get('operation');
    const rendered = presentJson(view, endpoint, endpoint.schemas(ctx.orgId), setup.baseUrl(c), projectionOf(c));
    return send(c, status, new JsonText(rendered), resourceHeaders(view));
  };

  app.get(path, async (c) => {
    const view = await endpoint.get(c.get('operation'), idOf(c), projectionOf(c));
    if (matchesNoneMatch(c.req.header('If-None-Match'), view.version)) return emptyResponse(304, resourceHeaders(view));
    return render(c, 200, view);
  });

  app.put(path, async (c) => {
    const id = idOf(c);
    const body = await bodyOf(c, setup);
    const expected = await expectedVersion(c, endpoint, id);
    const view = await tracked(setup, endpoint.type, 'replace', () => endpoint.replace(c.get('operation'), id, body, expected));
    return render(c, 200, view);
  });

  app.patch(path, async (c) => {
    const ctx = c.get('operation');
    const id = idOf(c);
    const maxOperations = setup.limits.maxPatchOperations ?? 1000;
    const operations = parsePatchRequest(await bodyOf(c, setup), { lenient: !(ctx.strict ?? false), maxOperations });
    const expected = await expectedVersion(c, endpoint, id);
    const view = await tracked(setup, endpoint.type, 'patch', () => endpoint.patch(ctx, id, operations, expected));
    // Groups answer 204 (docs/clients.md S18) unless the client asked for attributes.
    if (endpoint.type === 'Group' && !asksForAttributes(projectionOf(c))) return emptyResponse(204, resourceHeaders(view));
    return render(c, 200, view);
  });

  app.delete(path, async (c) => {
    const id = idOf(c);
    const expected = await expectedVersion(c, endpoint, id);
    await tracked(setup, endpoint.type, 'delete', () => endpoint.remove(c.get('operation'), id, expected));
    return emptyResponse(204);
  });
}

/** Registers the collection, search and item routes of `endpoint` under `prefix` (e.g. /scim/v2). */
export function registerResourceRoutes(app: Hono<AppEnv>, setup: ScimContext, endpoint: ResourceEndpoint, prefix: string): void {
  const path = `${prefix}/${endpoint.segment}`;
  registerCollection(app, setup, endpoint, path);
  registerItem(app, setup, endpoint, `${path}/:id`);
}
