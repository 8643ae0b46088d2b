/**
 * The endpoints at the root of the Tenant URL: `POST /.search` across Users and Groups
 * (RFC 7644 §3.4.3), discovery (`/ServiceProviderConfig`, `/Schemas`, `/ResourceTypes`,
 * RFC 7644 §4) and `/Me` (RFC 7644 §3.11), which scimd does not serve (501).
 */
import type { Context, Hono } from 'hono';
import { resourceTypeById, resourceTypesResponse, schemaById, schemasResponse } from '../../core/messages/discovery.ts';
import { listResponse } from '../../core/messages/list-response.ts';
import { parseSearchRequest, type ListQuery } from '../../core/messages/search-request.ts';
import { serviceProviderConfig } from '../../core/messages/service-provider-config.ts';
import { ScimError, badRequest } from '../../core/scim-error.ts';
import type { AppEnv } from '../env.ts';
import { presentResource } from './present.ts';
import { bodyOf } from './resource-routes.ts';
import type { ResourceEndpoint, ResourcePage } from './resources.ts';
import { send, type ScimContext } from './scim-context.ts';

interface Block {
  readonly endpoint: ResourceEndpoint;
  readonly page: ResourcePage;
}

/**
 * Pages over the concatenation "all matching Users, then all matching Groups", each in its own
 * stable order: `startIndex` counts across both, `totalResults` is the sum.
 */
async function searchBoth(c: Context<AppEnv>, setup: ScimContext, query: ListQuery): Promise<{ blocks: Block[]; total: number }> {
  const ctx = c.get('operation');
  const users = await setup.users.list(ctx, query);
  const userTotal = users.totalResults ?? users.resources.length;
  const room = query.count - users.resources.length;
  const groupStart = Math.max(1, query.startIndex - userTotal);
  const groups = await setup.groups.list(ctx, { ...query, startIndex: groupStart, count: Math.max(room, 0) });
  const groupTotal = groups.totalResults ?? groups.resources.length;
  return { blocks: [{ endpoint: setup.users, page: users }, { endpoint: setup.groups, page: groups }], total: userTotal + groupTotal };
}

function registerSearch(app: Hono<AppEnv>, setup: ScimContext, prefix: string): void {
  app.post(`${prefix}/.search`, async (c) => {
    const ctx = c.get('operation');
    const limits = setup.limits;
    const query = parseSearchRequest(await bodyOf(c, setup), {
      defaultCount: limits.defaultPageSize,
      maxCount: limits.maxPageSize,
      strict: ctx.strict ?? false,
    });
    if (query.cursor !== undefined) {
      throw badRequest('invalidValue', 'Cursor paging is not offered on /.search; page with startIndex, or search /Users or /Groups');
    }
    const { blocks, total } = await searchBoth(c, setup, query);
    const base = setup.baseUrl(c);
    const resources = blocks.flatMap(({ endpoint, page }) => {
      const schemas = endpoint.schemas(ctx.orgId);
      return page.resources.map((view) => presentResource(view, endpoint, schemas, base, query));
    });
    return send(c, 200, listResponse({ resources, totalResults: total, startIndex: query.startIndex }));
  });
}

function registerDiscovery(app: Hono<AppEnv>, setup: ScimContext, prefix: string): void {
  const registry = (c: Context<AppEnv>) => setup.registryFor(c.get('operation').orgId);
  app.get(`${prefix}/ServiceProviderConfig`, (c) => {
    const { limits } = setup;
    return send(c, 200, serviceProviderConfig({
      baseUrl: setup.baseUrl(c),
      bulk: { supported: true, maxOperations: limits.bulkMaxOperations, maxPayloadSize: limits.bulkMaxPayloadBytes },
      filter: { supported: true, maxResults: limits.maxPageSize },
      pagination: {
        cursor: true,
        index: true,
        defaultPaginationMethod: 'index',
        defaultPageSize: limits.defaultPageSize,
        maxPageSize: limits.maxPageSize,
      },
    }));
  });
  app.get(`${prefix}/Schemas`, (c) => send(c, 200, schemasResponse(registry(c), setup.baseUrl(c))));
  app.get(`${prefix}/Schemas/:id`, (c) => {
    const found = schemaById(registry(c), setup.baseUrl(c), c.req.param('id'));
    if (!found) throw new ScimError(404, undefined, `Schema "${c.req.param('id')}" not found`);
    return send(c, 200, found);
  });
  app.get(`${prefix}/ResourceTypes`, (c) => send(c, 200, resourceTypesResponse(registry(c), setup.baseUrl(c))));
  app.get(`${prefix}/ResourceTypes/:id`, (c) => {
    const found = resourceTypeById(registry(c), setup.baseUrl(c), c.req.param('id'));
    if (!found) throw new ScimError(404, undefined, `ResourceType "${c.req.param('id')}" not found`);
    return send(c, 200, found);
  });
}

/** Registers `/.search`, discovery and `/Me` under `prefix`. */
export function registerRootRoutes(app: Hono<AppEnv>, setup: ScimContext, prefix: string): void {
  registerSearch(app, setup, prefix);
  registerDiscovery(app, setup, prefix);
  const me = () => {
    throw new ScimError(501, undefined, 'The /Me endpoint is not supported: a SCIM key acts for an organization, not for a user');
  };
  app.all(`${prefix}/Me`, me);
  app.all(`${prefix}/Me/*`, me);
}
