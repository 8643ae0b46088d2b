/**
 * The per-request values the middleware chain hands to handlers (Hono context variables): the
 * request id and its logger, and — on SCIM routes — the authenticated caller.
 */
import type { Logger } from 'pino';
import type { KeyPrincipal } from '../services/authenticator.ts';
import type { OperationContext } from '../services/context.ts';

export interface RequestVariables {
  /** The `X-Request-Id` of this request (accepted from the client when sane, else generated). */
  requestId: string;
  /** The server's logger: log about a request through `requestLog(c)` (observe.ts), which stamps `requestId`. */
  log: Logger;
  /** The key that authenticated a SCIM request (set by the auth middleware). */
  principal: KeyPrincipal;
  /** Tenant, actor and request metadata for the services (set by the auth middleware). */
  operation: OperationContext;
  /** Set when a handler or middleware already recorded the error it answered with. */
  errorLogged: boolean;
  /** Why the request failed, set by the error renderer for the access-log line. */
  failure: RequestFailure;
  /** Set when the response was built with its `X-Request-Id` header (observe then leaves it alone). */
  requestIdSent: boolean;
}

/** A failed request's reason: the SCIM error sent (4xx), or the unexpected error behind a 500. */
export type RequestFailure =
  | { readonly status: number; readonly scimType: string | undefined; readonly detail: string }
  | { readonly status: 500; readonly err: unknown };

/** The Hono environment of scimd's app. `Bindings` carries @hono/node-server's `incoming`. */
export interface AppEnv {
  Bindings: { incoming?: { socket?: { remoteAddress?: string } } };
  Variables: RequestVariables;
}
