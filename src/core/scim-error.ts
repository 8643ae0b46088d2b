/**
 * The one domain error of scimd: an HTTP status, an optional SCIM error type and a human-actionable
 * detail (RFC 7644 §3.12). The constructor rejects status/scimType pairs the RFC does not allow, so a
 * wrong pair is caught where it is written rather than on the wire.
 */

/** The `scimType` values of RFC 7644 §3.12, Table 9. */
export const SCIM_TYPES = [
  'invalidFilter',
  'tooMany',
  'uniqueness',
  'mutability',
  'invalidSyntax',
  'invalidPath',
  'noTarget',
  'invalidValue',
  'invalidVers',
  'sensitive',
] as const;

export type ScimType = (typeof SCIM_TYPES)[number];

/** The status each `scimType` is defined for (RFC 7644 §3.12, Table 9). */
const STATUS_OF_TYPE: Readonly<Record<ScimType, number>> = {
  invalidFilter: 400,
  tooMany: 400,
  uniqueness: 409,
  mutability: 400,
  invalidSyntax: 400,
  invalidPath: 400,
  noTarget: 400,
  invalidValue: 400,
  invalidVers: 400,
  sensitive: 403,
};

/** True when `value` is one of the RFC 7644 `scimType` keywords. */
export function isScimType(value: unknown): value is ScimType {
  return typeof value === 'string' && (SCIM_TYPES as readonly string[]).includes(value);
}

export class ScimError extends Error {
  override readonly name = 'ScimError';
  readonly status: number;
  readonly scimType: ScimType | undefined;
  readonly detail: string;

  constructor(status: number, scimType: ScimType | undefined, detail: string) {
    if (!Number.isInteger(status) || status < 300 || status > 599) {
      throw new TypeError(`ScimError: ${status} is not an HTTP error status`);
    }
    if (scimType !== undefined && STATUS_OF_TYPE[scimType] !== status) {
      throw new TypeError(
        `ScimError: scimType "${scimType}" requires status ${STATUS_OF_TYPE[scimType]}, not ${status}`,
      );
    }
    super(detail);
    this.status = status;
    this.scimType = scimType;
    this.detail = detail;
  }
}

/** True for any ScimError, including ones from another copy of this module. */
export function isScimError(error: unknown): error is ScimError {
  return error instanceof ScimError;
}

/** Shorthands for the 400-family errors the core throws. */
export const badRequest = (scimType: ScimType, detail: string): ScimError =>
  new ScimError(400, scimType, detail);
