/**
 * A SCIM 2.0 target reached by Tenant URL and Secret Token: Test Connection as Entra runs it,
 * lookups by filter for matching, and the writes a cycle sends (POST, minimal PATCH, DELETE).
 * Failures are classified: `auth` and `endpoint` stop the cycle (Entra would quarantine the
 * job), `gone` is a 404 on a linked object, anything else fails only the object at hand.
 */
import { randomUUID } from 'node:crypto';
import { URN } from '../../core/urns.ts';
import { createHttpClient, type HttpClient, type HttpOptions, type HttpResponse } from './http-client.ts';
import { attributePatch, memberPatch, type PatchBody, type Profile } from './profile.ts';

export type ResourceKind = 'Users' | 'Groups';
export type TargetErrorKind = 'auth' | 'endpoint' | 'gone' | 'object';

/** A failed target request, with what it means for the cycle. */
export class TargetError extends Error {
  readonly code = 'SYNC_TARGET_FAILED';
  readonly kind: TargetErrorKind;
  readonly status: number | undefined;
  readonly scimType: string | undefined;
  constructor(kind: TargetErrorKind, message: string, status?: number, scimType?: string) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.scimType = scimType;
  }
}

export type TestConnectionResult =
  | { readonly ok: true; readonly detail: string }
  | { readonly ok: false; readonly reason: 'bad-token' | 'not-scim' | 'unreachable'; readonly detail: string; readonly status?: number; readonly body?: string };

type Json = Record<string, unknown>;

function describe(response: HttpResponse): string {
  const body = response.json as Json | undefined;
  const detail = typeof body?.['detail'] === 'string' ? body['detail'] : response.text.slice(0, 300);
  return `${response.status}${detail === '' ? '' : `: ${detail}`}`;
}

function fail(method: string, path: string, response: HttpResponse): never {
  const body = response.json as Json | undefined;
  const scimType = typeof body?.['scimType'] === 'string' ? body['scimType'] : undefined;
  const kind: TargetErrorKind = response.status === 401 || response.status === 403 ? 'auth' : response.status === 404 ? 'gone' : 'object';
  throw new TargetError(kind, `${method} ${path} → ${describe(response)}`, response.status, scimType);
}

const isListResponse = (value: unknown): value is { Resources?: unknown[]; totalResults: number } =>
  value !== null && typeof value === 'object' && typeof (value as Json)['totalResults'] === 'number' &&
  (((value as Json)['schemas'] as unknown[] | undefined)?.includes(URN.listResponse) ?? true);

export interface TargetOptions extends Omit<HttpOptions, 'baseUrl' | 'token'> {
  readonly url: string;
  readonly token: string;
  readonly profile: Profile;
}

/** Creates the target client. */
export function createScimTarget(options: TargetOptions) {
  const http: HttpClient = createHttpClient({ ...options, baseUrl: options.url });
  const profile = options.profile;

  async function send(method: string, path: string, body?: unknown): Promise<HttpResponse> {
    try {
      return await http.request(method, path, body);
    } catch (error) {
      throw new TargetError('object', error instanceof Error ? error.message : String(error), (error as { status?: number }).status);
    }
  }

  return {
    http,
    profile,
    /**
     * Entra's Test Connection: look up a user that cannot exist. 200 with a ListResponse passes;
     * 401/403 means the token is wrong; anything else means the URL is not a SCIM endpoint.
     */
    async testConnection(): Promise<TestConnectionResult> {
      const filter = `userName eq "${randomUUID()}"`;
      let response: HttpResponse;
      try {
        response = await http.request('GET', `/Users?filter=${encodeURIComponent(filter)}`);
      } catch (error) {
        return { ok: false, reason: 'unreachable', detail: `cannot reach ${http.baseUrl}: ${(error as Error).message}` };
      }
      if (response.status === 200 && isListResponse(response.json)) {
        return { ok: true, detail: `GET /Users?filter=${filter} answered 200 with a ListResponse (totalResults ${response.json.totalResults})` };
      }
      const body = response.text.slice(0, 500);
      if (response.status === 401 || response.status === 403) {
        return { ok: false, reason: 'bad-token', status: response.status, body, detail: `the target refused the token (${response.status}); check the Secret Token` };
      }
      return { ok: false, reason: 'not-scim', status: response.status, body, detail: `GET /Users?filter=… answered ${response.status}${response.status === 200 ? ' without a ListResponse' : ''}: check the Tenant URL (it must be the SCIM base, e.g. https://host/scim/v2)` };
    },
    /** Resources matching `filter`, at most `count` (2 is enough to tell one hit from several). */
    async find(kind: ResourceKind, filter: string, count = 2): Promise<Json[]> {
      const path = `/${kind}?filter=${encodeURIComponent(filter)}&count=${count}`;
      const response = await send('GET', path);
      if (response.status === 401 || response.status === 403) fail('GET', path, response);
      if (response.status !== 200) {
        if (response.status === 404 && !isListResponse(response.json)) throw new TargetError('endpoint', `GET ${path} → 404: the Tenant URL is not a SCIM endpoint`, 404);
        fail('GET', path, response);
      }
      if (!isListResponse(response.json)) throw new TargetError('endpoint', `GET ${path} answered without a ListResponse`, response.status);
      return (response.json.Resources ?? []) as Json[];
    },
    async create(kind: ResourceKind, document: Json): Promise<Json> {
      const response = await send('POST', `/${kind}`, document);
      if (response.status !== 201 && response.status !== 200) fail('POST', `/${kind}`, response);
      const created = response.json as Json | undefined;
      if (typeof created?.['id'] !== 'string') throw new TargetError('object', `POST /${kind} answered ${response.status} without an id`, response.status);
      return created;
    },
    async patch(kind: ResourceKind, id: string, body: PatchBody): Promise<void> {
      const path = `/${kind}/${encodeURIComponent(id)}`;
      const response = await send('PATCH', path, body);
      if (response.status !== 200 && response.status !== 204) fail('PATCH', path, response);
    },
    patchAttributes(kind: ResourceKind, id: string, changes: ReadonlyMap<string, unknown>): Promise<void> {
      return this.patch(kind, id, attributePatch(profile, changes));
    },
    patchMembers(id: string, added: readonly string[], removed: readonly string[]): Promise<void> {
      return this.patch('Groups', id, memberPatch(profile, added, removed));
    },
    /** DELETE; a 404 counts as done. */
    async remove(kind: ResourceKind, id: string): Promise<void> {
      const path = `/${kind}/${encodeURIComponent(id)}`;
      const response = await send('DELETE', path);
      if (response.status !== 204 && response.status !== 200 && response.status !== 404) fail('DELETE', path, response);
    },
  };
}

export type ScimTarget = ReturnType<typeof createScimTarget>;
