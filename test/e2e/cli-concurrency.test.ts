/**
 * The CLI next to a running server on the same SQLite file: administration commands that write
 * (setup-link create, key create, role create, org scim) run again and again while the server
 * takes a steady stream of SCIM POSTs, and none of them may fail with `database is locked`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScimd, scimClient, serveScimd, tempDir, type Finished, type Served } from './process.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

let dir: ReturnType<typeof tempDir>;
let server: Served;
let env: Record<string, string>;

before(async () => {
  dir = tempDir();
  // The rate limit (200/s per organization by default) is not what this test is about: four
  // writers on an idle machine reach it, and a 429 would hide the lock behaviour under test.
  env = { DATA_DIR: dir.path, SCIMD_RATE_LIMIT_PER_SECOND: '100000', SCIMD_RATE_LIMIT_BURST: '100000' };
  server = await serveScimd(env);
});
after(async () => {
  await server.stop();
  dir.remove();
});

async function firstOrgId(): Promise<string> {
  const orgs = await runScimd(['org', 'list', '--json'], env, 120_000);
  assert.equal(orgs.code, 0, orgs.stderr);
  return (JSON.parse(orgs.stdout) as { id: string }[])[0]!.id;
}

/** Posts users with `parallel` requests in flight until `stop()`; resolves with how many were created. */
function postLoad(parallel: number) {
  const listen = server.lines.find((l) => l.includes('"scimd listening"'))!.match(/"listen":"([^"]+)"/)![1];
  const scim = scimClient(`http://${listen}/scim/v2`, server.token!);
  let running = true;
  let created = 0;
  const failures: string[] = [];
  const worker = async (w: number) => {
    for (let i = 0; running; i++) {
      const res = await scim('POST', '/Users', { schemas: [USER], userName: `load-${w}-${i}@example.com` });
      if (res.status === 201) created++;
      else failures.push(`${res.status} ${JSON.stringify(res.body)}`);
    }
  };
  const workers = Array.from({ length: parallel }, (_, w) => worker(w));
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
      return { created, failures };
    },
  };
}

describe('the CLI while the server writes to the same SQLite database', () => {
  it('shows a key\'s first use in "key list" at once, not after a batch window', async () => {
    const listen = server.lines.find((l) => l.includes('"scimd listening"'))!.match(/"listen":"([^"]+)"/)![1];
    const before = await runScimd(['key', 'list', '--org', await firstOrgId(), '--json'], env, 120_000);
    assert.deepEqual((JSON.parse(before.stdout) as { lastUsedAt: string | null }[]).map((k) => k.lastUsedAt), [null]);
    const used = await scimClient(`http://${listen}/scim/v2`, server.token!)('GET', '/Users?count=1');
    assert.equal(used.status, 200);
    const after = await runScimd(['key', 'list', '--org', await firstOrgId(), '--json'], env, 120_000);
    const [key] = JSON.parse(after.stdout) as { lastUsedAt: string | null }[];
    assert.ok(key?.lastUsedAt, `lastUsedAt right after the first request: ${after.stdout}`);
  });

  it('never fails with "database is locked" under concurrent SCIM POSTs', async () => {
    const orgId = await firstOrgId();
    const load = postLoad(4);
    const results: { args: string[]; run: Finished }[] = [];
    try {
      for (let round = 0; round < 2; round++) {
        const commands = [
          ['setup-link', 'create', '--org', orgId, '--json'],
          ['key', 'create', '--org', orgId, '--type', 'scim', '--description', `round ${round}`, '--json'],
          ['role', 'create', '--org', orgId, '--name', `Role ${round}`, '--json'],
          ['org', 'scim', 'on', orgId],
          ['key', 'list', '--org', orgId, '--json'],
        ];
        // Two commands at a time, so CLI processes also compete with each other for the lock.
        for (let i = 0; i < commands.length; i += 2) {
          const batch = commands.slice(i, i + 2);
          // A generous timeout: on a loaded machine a CLI start can take tens of seconds; a kill is not a lock failure.
          const runs = await Promise.all(batch.map((args) => runScimd(args, env, 180_000)));
          batch.forEach((args, j) => results.push({ args, run: runs[j]! }));
        }
      }
    } finally {
      const { created, failures } = await load.stop();
      assert.deepEqual(failures.slice(0, 5), [], `every SCIM POST succeeds (${failures.length} failed)`);
      assert.ok(created > 0, 'the server took writes during the CLI runs');
    }
    for (const { args, run } of results) {
      assert.doesNotMatch(run.stderr, /locked|SQLITE_BUSY/i, `scimd ${args.join(' ')}`);
      assert.equal(run.signal, null, `scimd ${args.join(' ')} was killed after the timeout`);
      assert.equal(run.code, 0, `scimd ${args.join(' ')}: ${run.stderr}`);
    }
  });
});
