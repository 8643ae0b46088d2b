/**
 * Another SCIM server as the source: every read lists all resources of one type, by cursor (RFC
 * 9865, `cursor` / `nextCursor`) or by `startIndex`/`count`. Changes are found by the engine's
 * per-object hash comparison, deletions by the key listing. Attributes reach expressions as the
 * resource has them, plus dotted names for complex ones (`[name.givenName]`), the enterprise
 * extension's attributes by their plain names (`[department]`); multi-valued attributes stay
 * arrays. `IsSoftDeleted` defaults to `active` being false.
 */
import { URN } from '../../core/urns.ts';
import type { SourceConfig } from '../config-schema.ts';
import { createHttpClient } from '../target/http-client.ts';
import { isSoftDeleted, SourceError, type Source, type SourceObject } from './types.ts';

type ScimSourceConfig = Extract<SourceConfig, { type: 'scim' }>;
type Json = Record<string, unknown>;

/** The attributes an expression sees for a SCIM resource. */
export function flattenResource(resource: Json): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(resource)) {
    if (name.startsWith('urn:') && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value as Json)) {
        out[`${name}:${inner}`] = innerValue;
        if (name === URN.enterpriseUser) out[inner] ??= innerValue;
      }
      continue;
    }
    out[name] = value;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value as Json)) out[`${name}.${inner}`] = innerValue;
    }
  }
  return out;
}

/** The SCIM source for `resource` (`Users` or `Groups`). */
export function createScimSource(config: ScimSourceConfig, resource: 'Users' | 'Groups'): Source {
  const http = createHttpClient({ baseUrl: config.url, token: config.token, timeoutMs: 30_000, retries: 3, concurrency: 1 });
  const kind = config.resource ?? resource;
  const softDeleted = config.softDeleted ?? (kind === 'Users' ? { attribute: 'active', values: ['false'] } : undefined);
  const membersAttribute = config.members ?? (kind === 'Groups' ? 'members' : undefined);

  async function page(query: string): Promise<{ resources: Json[]; total: number; nextCursor?: string }> {
    const response = await http.request('GET', `/${kind}?${query}`).catch((error: Error) => {
      throw new SourceError(`SCIM source ${config.url}: ${error.message}`);
    });
    const body = response.json as Json | undefined;
    if (response.status !== 200 || typeof body?.['totalResults'] !== 'number') {
      throw new SourceError(`SCIM source GET /${kind}?${query} → ${response.status}: ${response.text.slice(0, 200)}`);
    }
    const next = body['nextCursor'];
    return { resources: (body['Resources'] ?? []) as Json[], total: body['totalResults'], ...(typeof next === 'string' ? { nextCursor: next } : {}) };
  }

  async function* all(): AsyncGenerator<Json> {
    if (config.paging === 'cursor') {
      let cursor = '';
      for (;;) {
        const result = await page(`count=${config.pageSize}&cursor=${encodeURIComponent(cursor)}`);
        yield* result.resources;
        if (result.nextCursor === undefined || result.resources.length === 0) return;
        cursor = result.nextCursor;
      }
    }
    for (let start = 1; ; ) {
      const result = await page(`startIndex=${start}&count=${config.pageSize}`);
      yield* result.resources;
      start += result.resources.length;
      if (result.resources.length === 0 || start > result.total) return;
    }
  }

  return {
    async read() {
      const objects: SourceObject[] = [];
      const keys = new Set<string>();
      for await (const resource of all()) {
        const attributes = flattenResource(resource);
        const key = attributes[config.key];
        if (key === undefined || key === null || key === '') continue;
        keys.add(String(key));
        const raw = membersAttribute === undefined ? undefined : attributes[membersAttribute];
        const members = membersAttribute === undefined ? undefined : Array.isArray(raw) ? raw.map((m) => String((m as Json)['value'] ?? m)) : [];
        objects.push({ key: String(key), attributes, softDeleted: isSoftDeleted(attributes, softDeleted), ...(members === undefined ? {} : { members }) });
      }
      return { objects, keys, full: true, watermark: undefined };
    },
    async test() {
      await page('count=1');
    },
    async close() {
      http.close();
    },
  };
}
