/**
 * What the SCIM route modules share: the two resource endpoints, the limits, the schema registry
 * of a tenant, the base URL of a request and the metrics. Built once by createApp.
 */
import type { Context } from 'hono';
import type { SchemaRegistry } from '../../core/schema/registry.ts';
import type { BulkService } from '../../services/bulk.ts';
import type { AppEnv } from '../env.ts';
import type { HttpMetrics } from '../metrics.ts';
import { scimResponse } from '../respond.ts';
import type { ResourceEndpoint } from './resources.ts';

/** The limits the HTTP edge enforces and advertises (a subset of Config['limits']). */
export interface HttpLimits {
  /** Largest request body in bytes (413 above it); `/Bulk` uses `bulkMaxPayloadBytes` instead. */
  readonly maxBodyBytes: number;
  readonly maxPageSize: number;
  readonly defaultPageSize: number;
  readonly bulkMaxOperations: number;
  readonly bulkMaxPayloadBytes: number;
  /** Most operations in one PATCH request (413 above it; default 1000). */
  readonly maxPatchOperations?: number;
}

export interface ScimContext {
  readonly users: ResourceEndpoint;
  readonly groups: ResourceEndpoint;
  /** The Bulk use case over the same services, its writes counted in `metrics`. */
  readonly bulk: BulkService;
  readonly limits: HttpLimits;
  readonly registryFor: (orgId: string) => SchemaRegistry;
  /** `https://host/scim/v2` for this request, without a trailing slash. */
  readonly baseUrl: (c: Context<AppEnv>) => string;
  readonly metrics: HttpMetrics;
}

/** A SCIM JSON response for the request `c` (gzip negotiated from its Accept-Encoding), carrying its request id. */
export function send(c: Context<AppEnv>, status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const requestId = c.get('requestId');
  if (requestId !== undefined) c.set('requestIdSent', true);
  const all = requestId === undefined ? headers : { ...headers, 'X-Request-Id': requestId };
  return scimResponse({ status, body, headers: all, acceptEncoding: c.req.header('Accept-Encoding') });
}

/** Runs one provisioning operation and counts it by resource type, operation and outcome. */
export async function tracked<T>(
  setup: ScimContext,
  resource: string,
  operation: 'create' | 'replace' | 'patch' | 'delete',
  run: () => Promise<T>,
): Promise<T> {
  try {
    const result = await run();
    setup.metrics.operations.inc({ resource, operation, outcome: 'success' });
    return result;
  } catch (error) {
    setup.metrics.operations.inc({ resource, operation, outcome: 'failure' });
    throw error;
  }
}
