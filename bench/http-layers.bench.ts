/**
 * Where one userName lookup spends its time, layer by layer, in one process without a socket:
 * the store call, the user service, and the whole Hono app (`app.request`). SQLite file with
 * USERS Entra-shaped users (default 10,000). Run pinned to one core:
 *   taskset -c 1 node --import tsx bench/http-layers.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFilter } from '../src/core/filter/parser.ts';
import { createSchemaRegistry } from '../src/core/schema/registry.ts';
import { createApp } from '../src/http/app.ts';
import { createLogger } from '../src/http/logger.ts';
import { createApiKeyService } from '../src/services/api-keys.ts';
import { scimActor } from '../src/services/context.ts';
import { createGroupService } from '../src/services/scim-groups.ts';
import { createUserService } from '../src/services/scim-users.ts';
import { createSqliteStore } from '../src/store/sqlite/store.ts';
import { microsPerCall } from './store-harness.ts';
import { filterPath, seed, TOKEN, userName } from './http-harness.ts';

const USERS = Number(process.env['USERS'] ?? 10_000);
const ROUNDS = Number(process.env['ROUNDS'] ?? 20_000);
const dir = mkdtempSync(join(tmpdir(), 'scimd-layers-'));
try {
  await seed(dir, USERS);
  const store = createSqliteStore({ path: join(dir, 'scimd.db') });
  const registry = createSchemaRegistry();
  const users = createUserService({ store, schemasFor: () => registry.user });
  const groups = createGroupService({ store, schemasFor: () => registry.group, maxMembersReturned: 1000 });
  const keys = createApiKeyService({ store, flushIntervalMs: 0 });
  const limits = { maxBodyBytes: 1 << 20, maxPageSize: 1000, defaultPageSize: 100, bulkMaxOperations: 1000, bulkMaxPayloadBytes: 1 << 20 };
  const app = createApp({ store, users, groups, authenticator: keys, limits, rateLimit: { perSecond: 1e9, burst: 1e9 }, logger: createLogger({ level: 'warn' }) });
  const principal = await keys.authenticate(TOKEN);
  if (!principal.ok) throw new Error('bench token rejected');
  const orgId = principal.principal.orgId;
  const ctx = { orgId, actor: scimActor(principal.principal.keyId, 'bench') };
  const pick = (i: number) => userName((i * 7919) % USERS);
  const rows: [string, number][] = [];
  rows.push(['store users.list (filter parsed outside)', await microsPerCall(ROUNDS, (i) => store.users.list(orgId, { filter: parseFilter(`userName eq "${pick(i)}"`), count: 100 }))]);
  rows.push(['service users.list (with groups)', await microsPerCall(ROUNDS, (i) => users.list(ctx, { attributes: [], excludedAttributes: [], filter: `userName eq "${pick(i)}"`, startIndex: 1, count: 100 }, { withGroups: true }))]);
  const headers = { authorization: `Bearer ${TOKEN}` };
  rows.push(['app.request GET /Users?filter= (hit)', await microsPerCall(ROUNDS, async (i) => (await app.request(`http://bench${filterPath(pick(i))}`, { headers })).text())]);
  rows.push(['app.request GET /Users?filter= (miss)', await microsPerCall(ROUNDS, async (i) => (await app.request(`http://bench${filterPath(`nobody${i}@x`)}`, { headers })).text())]);
  // A page of 100 users, as an import walks them: index paging (with its COUNT) and a cursor page.
  const PAGES = Math.max(50, Math.floor(ROUNDS / 100));
  const start = (i: number) => 1 + 100 * ((i * 37) % Math.floor(USERS / 100));
  rows.push(['store users.list, 100 users by startIndex (with COUNT)', await microsPerCall(PAGES, (i) => store.users.list(orgId, { count: 100, startIndex: start(i) }))]);
  rows.push(['store users.list, first cursor page of 100', await microsPerCall(PAGES, () => store.users.list(orgId, { count: 100, cursor: '' }))]);
  rows.push(['service users.list, 100 users (with groups)', await microsPerCall(PAGES, (i) => users.list(ctx, { attributes: [], excludedAttributes: [], startIndex: start(i), count: 100 }, { withGroups: true }))]);
  rows.push(['app.request GET /Users?count=100&startIndex=…', await microsPerCall(PAGES, async (i) => (await app.request(`http://bench/scim/v2/Users?count=100&startIndex=${start(i)}`, { headers })).text())]);
  for (const [name, us] of rows) console.log(`| ${name} | ${us.toFixed(1)} µs |`);
  await keys.close();
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
