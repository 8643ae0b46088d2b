/**
 * The target client against a tiny real HTTP target: 429 answered with Retry-After is waited out
 * and retried, 5xx retried with backoff, the entra-legacy profile's PATCH shapes, and Test
 * Connection's three verdicts (ok, bad token, not a SCIM endpoint — with the response shown).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSyncRunner } from '../../src/sync/runner.ts';
import { createScimTarget } from '../../src/sync/target/scim-target.ts';
import { jobOf, serve, stateStore, tempDir } from './harness.ts';

type Doc = Record<string, unknown>;
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** A minimal SCIM target: users in memory, the first POST throttled, the first PATCH failing with 503. */
function tinyTarget() {
  const users = new Map<string, Doc>();
  const log: { method: string; path: string; body?: Doc; status: number }[] = [];
  let posts = 0;
  let patches = 0;
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/scim+json', ...headers } });
  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const body = request.method === 'GET' ? undefined : ((await request.json().catch(() => undefined)) as Doc | undefined);
    const answer = (): Response => {
      if (request.headers.get('Authorization') !== 'Bearer good') return json(401, { detail: 'bad token' });
      if (!url.pathname.startsWith('/scim/v2/Users')) return new Response('<html>not here</html>', { status: 404, headers: { 'Content-Type': 'text/html' } });
      if (request.method === 'GET') {
        const value = /userName eq "(.*)"/.exec(url.searchParams.get('filter') ?? '')?.[1];
        const hits = [...users.values()].filter((u) => u['userName'] === value);
        return json(200, { schemas: [LIST], totalResults: hits.length, Resources: hits });
      }
      if (request.method === 'POST') {
        posts += 1;
        if (posts === 1) return json(429, { detail: 'slow down' }, { 'Retry-After': '2' });
        const id = `u${users.size + 1}`;
        users.set(id, { ...body, id });
        return json(201, users.get(id));
      }
      if (request.method === 'PATCH') {
        patches += 1;
        if (patches === 1) return json(503, { detail: 'busy' });
        return new Response(null, { status: 204 });
      }
      return json(405, {});
    };
    const response = answer();
    log.push({ method: request.method, path: url.pathname + url.search, ...(body ? { body } : {}), status: response.status });
    return response;
  };
  return { handler, log, users };
}

describe('sync target over HTTP', () => {
  let target: ReturnType<typeof tinyTarget>;
  let served: Awaited<ReturnType<typeof serve>>;
  let state: Awaited<ReturnType<typeof stateStore>>;
  let files: Awaited<ReturnType<typeof tempDir>>;
  let base: string;

  before(async () => {
    target = tinyTarget();
    served = await serve(target.handler);
    base = `http://127.0.0.1:${served.port}/scim/v2`;
    state = await stateStore();
    files = await tempDir();
  });
  after(async () => {
    await served.close();
    await state.close();
    await files.remove();
  });

  it('Test Connection: ok, bad token, and not a SCIM endpoint with the response shown', async () => {
    const make = (url: string, token: string) => createScimTarget({ url, token, profile: 'rfc', concurrency: 1, timeoutMs: 5000, retries: 0 });
    const ok = await make(base, 'good').testConnection();
    assert.equal(ok.ok, true);
    const probe = target.log.at(-1)!;
    assert.match(decodeURIComponent(probe.path), /^\/scim\/v2\/Users\?filter=userName eq "[0-9a-f-]{36}"$/);
    const bad = await make(base, 'nope').testConnection();
    assert.deepEqual(bad.ok ? undefined : [bad.reason, bad.status], ['bad-token', 401]);
    const wrong = await make(`http://127.0.0.1:${served.port}/api`, 'good').testConnection();
    assert.deepEqual(wrong.ok ? undefined : [wrong.reason, wrong.status, wrong.body], ['not-scim', 404, '<html>not here</html>']);
    const down = await make('http://127.0.0.1:1/scim', 'good').testConnection();
    assert.equal(down.ok ? undefined : down.reason, 'unreachable');
  });

  it('waits out 429 Retry-After, retries a 503, and writes the entra-legacy shapes', async () => {
    await files.write('users.csv', 'id,mail,disabled\n1,ann@corp.example,false\n');
    const waits: number[] = [];
    const job = () =>
      jobOf(
        {
          name: 'tiny',
          source: { type: 'csv', path: 'users.csv', key: 'id', softDeleted: { attribute: 'disabled' } },
          target: { url: base, token: 'good', profile: 'entra-legacy', retries: 3 },
          users: { mappings: [{ target: 'userName', expression: '[mail]', matching: 1 }, { target: 'active', expression: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")' }] },
        },
        files.dir,
      );
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    const first = await createSyncRunner(job(), { state: state.store.syncState, sleep }).cycle();
    assert.equal(first.status, 'succeeded', first.error);
    assert.equal(first.created, 1);
    assert.equal(first.throttled, 1);
    assert.equal(waits[0], 2000, 'Retry-After: 2 is honoured');
    assert.deepEqual(target.log.filter((r) => r.method === 'POST').map((r) => r.status), [429, 201]);
    await files.write('users.csv', 'id,mail,disabled\n1,ann@corp.example,true\n');
    const second = await createSyncRunner(job(), { state: state.store.syncState, sleep }).cycle();
    assert.equal(second.status, 'succeeded', second.error);
    assert.equal(second.disabled, 1);
    assert.equal(second.retries, 1);
    const patches = target.log.filter((r) => r.method === 'PATCH');
    assert.deepEqual(patches.map((r) => r.status), [503, 204]);
    assert.deepEqual(patches[1]?.body?.['Operations'], [{ op: 'Replace', path: 'active', value: 'False' }]);
    assert.ok(waits.length === 2 && waits[1]! < 1000, `backoff with jitter below the first step: ${waits}`);
  });
});
