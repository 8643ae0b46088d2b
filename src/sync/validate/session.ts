/**
 * One validation run: the clients (one with the token, one with a made-up token), the running
 * check's exchange (kept in its result when it fails), the results so far, what the checks learnt
 * for the next ones, and every resource created, so that all of them are deleted at the end.
 */
import { randomUUID } from 'node:crypto';
import { createHttpClient, type HttpClient, type HttpResponse } from '../target/http-client.ts';
import type { CheckExchange, CheckResult, ValidateOptions, ValidateReport } from './checks.ts';
import { CheckFailed, CheckSkipped } from './expect.ts';

export interface ValidateSession {
  readonly entra: boolean;
  readonly okta: boolean;
  /** A random suffix that keeps this run's names apart from any other run's. */
  readonly tag: string;
  readonly userName: string;
  readonly externalId: string;
  readonly groupName: string;
  /** What earlier checks produced for later ones (ids of the created user, second user and group). */
  readonly state: { user?: string; userName?: string; externalId?: string; manager?: string; group?: string; groupName?: string; connected: boolean };
  /** Ids of the resources created and not deleted yet. */
  readonly created: { Users: string[]; Groups: string[] };
  /** A client with a made-up token, which the endpoint must refuse. */
  readonly badClient: HttpClient;
  /** Sends a request (with the token unless `using` says otherwise) and keeps it as the running check's exchange. */
  send(method: string, path: string, body?: unknown, using?: HttpClient): Promise<HttpResponse>;
  /** Runs one named check and keeps its result; skipped without a connection unless `needsConnection` is false. */
  check(name: string, run: () => Promise<string>, options?: { when?: boolean; needsConnection?: boolean }): Promise<void>;
  /** Deletes what the checks created (what cannot be deleted stays a leftover) and closes the clients. */
  cleanUp(): Promise<void>;
  report(): ValidateReport;
}

const bodyFor = (response: HttpResponse): unknown => response.json ?? (response.text.length > 2000 ? `${response.text.slice(0, 2000)}…` : response.text);

/** The result of a check that threw: skipped, failed an expectation, or failed to get an answer at all. */
function resultOfError(name: string, error: unknown, exchange: CheckExchange | undefined): CheckResult {
  if (error instanceof CheckSkipped) return { name, status: 'skip', detail: error.message };
  const failed = error instanceof CheckFailed;
  const message = error instanceof Error ? error.message : String(error);
  return {
    name,
    status: 'fail',
    detail: failed ? message : `request failed: ${message}`,
    ...(exchange === undefined ? {} : { request: exchange.request, ...(exchange.response === undefined ? {} : { response: exchange.response }) }),
    hint: failed ? error.hint : 'check the Tenant URL, that the server is reachable and that it answers within the timeout',
  };
}

/** Deletes the groups, then the users in `created`; what is gone (or already was: 404) leaves the list. */
async function deleteCreated(client: HttpClient, created: ValidateSession['created']): Promise<void> {
  for (const resource of ['Groups', 'Users'] as const) {
    for (const id of created[resource]) {
      try {
        const response = await client.request('DELETE', `/${resource}/${id}`);
        if (response.status < 300 || response.status === 404) created[resource] = created[resource].filter((x) => x !== id);
      } catch {
        // kept as a leftover
      }
    }
  }
}

/** A session for one run of `options.profile` against `options.baseUrl`. */
export function createSession(options: ValidateOptions): ValidateSession {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const client = createHttpClient({ baseUrl: options.baseUrl, token: options.token, timeoutMs, retries: 0, concurrency: 1 });
  const badClient = createHttpClient({ baseUrl: options.baseUrl, token: `invalid-${randomUUID()}`, timeoutMs, retries: 0, concurrency: 1 });
  const checks: CheckResult[] = [];
  const created = { Users: [] as string[], Groups: [] as string[] };
  const tag = randomUUID().slice(0, 8);
  let last: CheckExchange | undefined;

  async function send(method: string, path: string, body?: unknown, using: HttpClient = client): Promise<HttpResponse> {
    last = { request: { method, path, ...(body === undefined ? {} : { body }) } };
    const response = await using.request(method, path, body);
    last = { ...last, response: { status: response.status, body: bodyFor(response) } };
    return response;
  }

  async function check(name: string, run: () => Promise<string>, checkOptions: { when?: boolean; needsConnection?: boolean } = {}): Promise<void> {
    if (checkOptions.when === false) return;
    if (checkOptions.needsConnection !== false && !session.state.connected) {
      checks.push({ name, status: 'skip', detail: 'Test Connection failed' });
      return;
    }
    last = undefined;
    try {
      const detail = await run();
      checks.push({ name, status: 'pass', detail });
    } catch (error) {
      // `send` sets `last` inside the check; read it through a cast so it is not narrowed to undefined.
      checks.push(resultOfError(name, error, last as CheckExchange | undefined));
    }
  }

  async function cleanUp(): Promise<void> {
    await deleteCreated(client, created);
    client.close();
    badClient.close();
  }

  function report(): ValidateReport {
    const count = (status: CheckResult['status']) => checks.filter((c) => c.status === status).length;
    const leftovers = [...created.Groups.map((id) => `Groups/${id}`), ...created.Users.map((id) => `Users/${id}`)];
    return { target: client.baseUrl, profile: options.profile, passed: count('pass'), failed: count('fail'), skipped: count('skip'), checks, leftovers };
  }

  const session: ValidateSession = {
    entra: options.profile !== 'okta',
    okta: options.profile !== 'entra',
    tag,
    userName: `vera.validate.${tag}@scimd-validate.example`,
    externalId: `validate-${tag}`,
    groupName: `Validate Group ${tag}`,
    state: { connected: false },
    created,
    badClient,
    send,
    check,
    cleanUp,
    report,
  };
  return session;
}
