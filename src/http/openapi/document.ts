/**
 * The OpenAPI 3.1 document of the admin API, generated from the route list and its zod schemas
 * (JSON Schema draft 2020-12, which OpenAPI 3.1 uses as is). Every schema a route declares must be
 * registered as a component; the builder throws on one that is not, so the document is complete
 * or the server does not start.
 */
import { z } from 'zod';
import type { AdminRoute, ResponseSpec } from '../admin/route.ts';
import { adminSchemas, ErrorBody, schemaDescriptions } from '../admin/schemas.ts';

type Json = Record<string, unknown>;

const COMPONENT_REF = (id: string) => `#/components/schemas/${id}`;

/** `{ $ref }` to a registered schema's component. */
function refTo(schema: z.ZodType): Json {
  const id = adminSchemas.get(schema)?.id;
  if (id === undefined) throw new Error('openapi: a route uses a schema that is not registered in adminSchemas');
  return { $ref: COMPONENT_REF(id) };
}

/** Every registered schema as a component (without the `$id`/`$schema` of standalone schemas). */
function components(): Json {
  const { schemas } = z.toJSONSchema(adminSchemas, { uri: COMPONENT_REF }) as { schemas: Record<string, Json> };
  const out: Record<string, Json> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $id: _id, $schema: _schema, ...rest } = schema;
    const description = schemaDescriptions.get(id);
    out[id] = description === undefined ? rest : { description, ...rest };
  }
  return out;
}

function parameters(route: AdminRoute): Json[] {
  const path = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  const shape = route.query?.shape ?? {};
  const query = Object.entries(shape).map(([name, field]) => {
    const { $schema: _s, ...schema } = z.toJSONSchema(field as z.ZodType, { io: 'input', unrepresentable: 'any' }) as Json;
    return { name, in: 'query', required: !(field as z.ZodType).safeParse(undefined).success, schema };
  });
  return [...path, ...query];
}

function response(spec: ResponseSpec): Json {
  if (!spec.schema && !spec.contentType) return { description: spec.description };
  const type = spec.contentType ?? 'application/json';
  return { description: spec.description, content: { [type]: { schema: spec.schema ? refTo(spec.schema) : { type: 'string' } } } };
}

const ERROR = (description: string) => ({ description, content: { 'application/json': { schema: refTo(ErrorBody) } } });

function errorResponses(route: AdminRoute): Json {
  const out: Json = {};
  if (route.query || route.body) out['400'] = ERROR('Invalid input (scimType invalidValue or invalidSyntax)');
  if (route.access.kind !== 'public') {
    out['401'] = ERROR('Missing, unknown, expired or revoked credentials');
    out['403'] = ERROR('The caller may not do this (a SCIM key, a missing scope, not an operator)');
  }
  if (route.path.includes('{')) out['404'] = ERROR('Not found — also for another organization\'s resources');
  if (route.body) out['415'] = ERROR('The body is not JSON');
  out['500'] = ERROR('Unexpected failure; the detail names the request id');
  return out;
}

function accessNote(route: AdminRoute): string {
  switch (route.access.kind) {
    case 'public':
      return 'No authentication.';
    case 'any':
      return 'Any authenticated caller.';
    case 'operator':
      return 'Operators only.';
    case 'org':
      return `Scope \`${route.access.scope}\` in the organization (operators: any organization).`;
  }
}

function operation(route: AdminRoute): Json {
  const successes = Object.fromEntries(Object.entries(route.responses).map(([status, spec]) => [status, response(spec)]));
  return {
    summary: route.summary,
    description: accessNote(route),
    operationId: `${route.method}${route.path.replace(/\{(\w+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
    tags: [route.tag],
    parameters: parameters(route),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: refTo(route.body) } } } } : {}),
    responses: { ...successes, ...errorResponses(route) },
    security: route.access.kind === 'public' ? [] : [{ bearer: [] }, { sessionCookie: [] }],
    ...(route.access.kind === 'org' ? { 'x-scimd-scope': route.access.scope } : {}),
  };
}

export interface OpenApiInfo {
  readonly version: string;
  /** The API's base path (`/api/v1`). */
  readonly basePath: string;
}

/** Builds the OpenAPI 3.1 document describing every route. */
export function buildOpenApiDocument(routes: readonly AdminRoute[], info: OpenApiInfo): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const item = (paths[route.path] ??= {});
    item[route.method] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'scimd admin API',
      version: info.version,
      description: 'Organizations, API keys, setup links, roles, policies, the provisioned directory (read), the revision history and the mail log. Errors use the SCIM error body of RFC 7644 §3.12.',
    },
    servers: [{ url: info.basePath }],
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: components(),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An `api` key, an operator session token (scimd_session_…) or a setup-link token (scimd_setup_…)' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'scimd_session', description: 'The cookie POST /session sets' },
      },
    },
  };
}
