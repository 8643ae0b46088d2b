/**
 * A compliance checker for any SCIM 2.0 endpoint: runs, in order, the requests Entra ID's
 * provisioning service and Okta's SCIM test send before and during provisioning, and judges each
 * answer the way those clients do. Each check is named; a failed one keeps the request and the
 * response and carries a hint of what to change. Everything the checker creates is deleted at the
 * end, even when a check fails midway; what could not be deleted is reported as leftovers.
 */
import { runConnectionChecks, runDiscoveryChecks } from './connection-checks.ts';
import { runGroupChecks } from './group-checks.ts';
import { createSession } from './session.ts';
import { runUserChecks, runUserDeleteCheck } from './user-checks.ts';

export type ValidateProfile = 'entra' | 'okta' | 'all';

export interface ValidateOptions {
  /** The Tenant URL (SCIM base URL). */
  readonly baseUrl: string;
  readonly token: string;
  readonly profile: ValidateProfile;
  /** Per-request timeout, 15 s by default. */
  readonly timeoutMs?: number;
}

export interface CheckExchange {
  readonly request: { readonly method: string; readonly path: string; readonly body?: unknown };
  readonly response?: { readonly status: number; readonly body: unknown };
}

export interface CheckResult {
  readonly name: string;
  readonly status: 'pass' | 'fail' | 'skip';
  readonly detail: string;
  readonly request?: CheckExchange['request'];
  readonly response?: CheckExchange['response'];
  readonly hint?: string;
}

export interface ValidateReport {
  readonly target: string;
  readonly profile: ValidateProfile;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly checks: CheckResult[];
  /** Resources created by the checker that could not be deleted ("Users/<id>"). */
  readonly leftovers: string[];
}

/** Runs the checks of `options.profile` against `options.baseUrl`. */
export async function validateScimEndpoint(options: ValidateOptions): Promise<ValidateReport> {
  const session = createSession(options);
  try {
    await runConnectionChecks(session);
    await runDiscoveryChecks(session);
    await runUserChecks(session);
    await runGroupChecks(session);
    await runUserDeleteCheck(session);
  } finally {
    await session.cleanUp();
  }
  return session.report();
}
