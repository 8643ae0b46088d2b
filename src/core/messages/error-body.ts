/** The SCIM error response body (RFC 7644 §3.12). */
import type { ScimError, ScimType } from '../scim-error.ts';
import { URN } from '../urns.ts';

/** The wire shape; `status` is a string as RFC 7644 §3.12 specifies (docs/clients.md §1.2). */
export interface ErrorBody {
  readonly schemas: readonly [typeof URN.error];
  readonly status: string;
  readonly scimType?: ScimType;
  readonly detail: string;
}

/** Renders a ScimError as the SCIM Error message (RFC 7644 §3.12). */
export function errorBody(error: ScimError): ErrorBody {
  return {
    schemas: [URN.error],
    status: String(error.status),
    ...(error.scimType === undefined ? {} : { scimType: error.scimType }),
    detail: error.detail,
  };
}
