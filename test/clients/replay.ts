/**
 * Helpers for replaying Entra ID and Okta traffic (docs/clients.md §6): the request bodies
 * of §6.3 with their `<placeholders>`, each client's request headers, and a client bound to an
 * in-process app that sends requests exactly as the client would.
 */
import { readFileSync } from 'node:fs';
import { createHarness, type CallResult, type Harness } from '../http/harness.ts';
import type { TestDialect } from '../store/harness.ts';

const BODIES = JSON.parse(readFileSync(new URL('./bodies.json', import.meta.url), 'utf8')) as Record<string, unknown>;

/** Body `name` of §6.3 with `<placeholder>` values substituted. */
export function body(name: string, values: Record<string, string> = {}): unknown {
  const template = BODIES[name];
  if (template === undefined) throw new Error(`no body ${name}`);
  const text = JSON.stringify(template).replace(/<([a-z0-9-]+)>/g, (whole, key: string) => values[key] ?? whole);
  return JSON.parse(text);
}

/** RFC 3986 percent-encoding, as most clients send a filter (`%20` for spaces). */
export const q = (text: string): string => encodeURIComponent(text);

/** Headers Entra ID sends (docs/clients.md §1.1). */
export const ENTRA_HEADERS: Readonly<Record<string, string>> = { 'Content-Type': 'application/scim+json; charset=utf-8' };

/** Headers Okta sends (docs/clients.md §1.1, O33). */
export const OKTA_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'application/scim+json; charset=utf-8',
  Accept: 'application/scim+json',
  'Accept-Charset': 'utf-8',
  'Accept-Encoding': 'gzip,deflate',
  Connection: 'close',
  'User-Agent': 'Okta SCIM Client 1.0.0',
};

export interface ReplayClient {
  readonly harness: Harness;
  send(method: string, path: string, payload?: unknown, extra?: Record<string, string>): Promise<CallResult>;
}

/** A harness on `dialect` and a client that sends `headers` on every request. */
export async function replayClient(dialect: TestDialect, headers: Readonly<Record<string, string>>): Promise<ReplayClient> {
  const harness = await createHarness({ dialect, rateLimit: { perSecond: 100_000, burst: 100_000 } });
  return {
    harness,
    send: (method, path, payload, extra = {}) =>
      harness.call(method, path, {
        headers: { ...headers, ...extra },
        ...(payload === undefined ? {} : { rawBody: JSON.stringify(payload) }),
      }),
  };
}
