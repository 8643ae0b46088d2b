/** The ServiceProviderConfig document (RFC 7643 §5; `pagination` per RFC 9865 §4). */
import { URN } from '../urns.ts';

/** One entry of `authenticationSchemes` (RFC 7643 §5). */
export interface AuthenticationScheme {
  readonly type: string;
  readonly name: string;
  readonly description: string;
  readonly specUri?: string;
  readonly documentationUri?: string;
  readonly primary?: boolean;
}

/** RFC 9865 §4: which paging styles the server offers. */
export interface PaginationSupport {
  readonly cursor: boolean;
  readonly index: boolean;
  readonly defaultPaginationMethod?: 'cursor' | 'index';
  readonly defaultPageSize?: number;
  readonly maxPageSize?: number;
  /** Seconds a cursor stays valid. */
  readonly cursorTimeout?: number;
}

export interface ServiceProviderConfigOptions {
  /** The SCIM base URL, e.g. `https://scim.example.com/scim/v2` (for `meta.location`). */
  readonly baseUrl: string;
  readonly documentationUri?: string;
  readonly patch?: boolean;
  readonly bulk: { readonly supported: boolean; readonly maxOperations: number; readonly maxPayloadSize: number };
  readonly filter: { readonly supported: boolean; readonly maxResults: number };
  readonly changePassword?: boolean;
  readonly sort?: boolean;
  readonly etag?: boolean;
  readonly pagination?: PaginationSupport;
  readonly authenticationSchemes?: readonly AuthenticationScheme[];
}

/** The scheme scimd serves: an API key sent as an OAuth 2.0 bearer token (RFC 6750). */
export const BEARER_TOKEN_SCHEME: AuthenticationScheme = Object.freeze({
  type: 'oauthbearertoken',
  name: 'OAuth Bearer Token',
  description: 'Send the SCIM API key of the organization in the Authorization header as "Bearer <key>".',
  specUri: 'https://www.rfc-editor.org/info/rfc6750',
  primary: true,
});

/** Removes one trailing slash so `${base}/Users` never doubles it. */
export function trimBaseUrl(baseUrl: string): string {
  return baseUrl.endsWith('/') ? baseUrl.slice(0, -1) : baseUrl;
}

/**
 * Builds `/ServiceProviderConfig` (RFC 7643 §5). Defaults: PATCH, sort and ETags supported,
 * changePassword not, bearer-token authentication.
 */
export function serviceProviderConfig(options: ServiceProviderConfigOptions): Record<string, unknown> {
  return {
    schemas: [URN.serviceProviderConfig],
    ...(options.documentationUri === undefined ? {} : { documentationUri: options.documentationUri }),
    patch: { supported: options.patch ?? true },
    bulk: { ...options.bulk },
    filter: { ...options.filter },
    changePassword: { supported: options.changePassword ?? false },
    sort: { supported: options.sort ?? true },
    etag: { supported: options.etag ?? true },
    ...(options.pagination === undefined ? {} : { pagination: { ...options.pagination } }),
    authenticationSchemes: (options.authenticationSchemes ?? [BEARER_TOKEN_SCHEME]).map((s) => ({ ...s })),
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${trimBaseUrl(options.baseUrl)}/ServiceProviderConfig`,
    },
  };
}
