/**
 * Admin API benchmark (issue 5, items 3, 8, 9), in-process on SQLite in memory:
 * - argon2id at the OWASP minimum parameters: hash and verify time (what a login costs);
 * - listing every user of an organization through GET /api/v1/organizations/{id}/users, 100 per
 *   page with the cursor, and the first page against the last (cursor paging stays flat);
 * - the key-expiry sweep and delivery for K keys with the mail-log transport.
 *   N=10000 K=1000 npm run bench -- bench/admin-api.bench.ts
 */
import { hash, verify } from '@node-rs/argon2';
import { PASSWORD_HASH_OPTIONS } from '../src/services/operators.ts';
import { createKeyReminderService } from '../src/services/key-reminders.ts';
import { createMailService } from '../src/services/mail.ts';
import { createReminderWorker } from '../src/workers/key-reminder-worker.ts';
import { createAdminHarness } from '../test/http/admin/harness.ts';
import { user } from '../test/store/fixtures.ts';

const N = Number(process.env['N'] ?? 10_000);
const K = Number(process.env['K'] ?? 1000);
const ms = (start: number) => performance.now() - start;

async function timeArgon(): Promise<void> {
  const runs = 20;
  let started = performance.now();
  let phc = '';
  for (let i = 0; i < runs; i += 1) phc = await hash(`password number ${i}`, PASSWORD_HASH_OPTIONS);
  const hashMs = ms(started) / runs;
  started = performance.now();
  for (let i = 0; i < runs; i += 1) await verify(phc, 'password number 19');
  console.log(`argon2id m=19456 t=2 p=1: hash ${hashMs.toFixed(1)} ms, verify ${(ms(started) / runs).toFixed(1)} ms (mean of ${runs})`);
}

const h = await createAdminHarness();
try {
  await timeArgon();
  for (let from = 0; from < N; from += 1000) {
    await h.store.users.createMany(h.acme, Array.from({ length: Math.min(1000, N - from) }, (_, i) => user(`user${from + i}@acme.test`)));
  }
  const perPage: number[] = [];
  let cursor: string | undefined = '';
  let seen = 0;
  const started = performance.now();
  while (cursor !== undefined) {
    const t = performance.now();
    const url = `http://scim.test/api/v1/organizations/${h.acme}/users?count=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await h.app.request(url, { headers: { Authorization: `Bearer ${h.session}` } });
    const page = (await response.json()) as { items: unknown[]; nextCursor?: string };
    perPage.push(ms(t));
    seen += page.items.length;
    cursor = page.nextCursor;
  }
  const total = ms(started);
  const median = [...perPage].sort((a, b) => a - b)[Math.floor(perPage.length / 2)] ?? 0;
  console.log(`GET /users 100 per page, ${seen} users: ${total.toFixed(0)} ms in total; page median ${median.toFixed(2)} ms, first ${perPage[0]?.toFixed(2)} ms (cold), last ${perPage.at(-1)?.toFixed(2)} ms`);

  const soon = new Date(h.now().getTime() + 10 * 86_400_000).toISOString();
  for (let i = 0; i < K; i += 1) await h.keys.create({ orgId: h.acme, actor: { type: 'system', id: null, name: 'bench' } }, { type: 'scim', description: `key ${i}`, expiresAt: soon });
  const mail = createMailService({ store: h.store, from: 'scimd@bench.test' });
  const worker = createReminderWorker({ store: h.store, reminders: createKeyReminderService({ store: h.store, mail, clock: h.now }), clock: h.now });
  const t = performance.now();
  const run = await worker.runOnce();
  console.log(`reminders: ${run.scheduled} scheduled and ${run.completed} delivered to the mail log in ${ms(t).toFixed(0)} ms (${(ms(t) / Math.max(run.completed, 1)).toFixed(2)} ms per key)`);
} finally {
  await h.close();
}
