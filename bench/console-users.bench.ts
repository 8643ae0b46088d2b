/**
 * How fast the console's Users page opens for a big organization: seeds USERS Entra-shaped users
 * (default 1,000,000) into SQLite, starts `scimd serve` pinned to core 1, then
 *   1. replays the admin API calls the page makes on a cold load — who am I, the organization and
 *      the first 50 users without the count, in parallel — then the first page with the count
 *      (`totalResults`, one COUNT over the organization) and the next page by cursor, RUNS times each;
 *   2. opens the page in headless Chromium (Debian's /usr/bin/chromium) RUNS times warm (same tab,
 *      cached scripts) and RUNS times cold (a new context, empty cache), timing from navigation to
 *      the first user row on screen, and prints where the time went from the page's Resource Timing
 *      entries and the console's performance marks.
 *   USERS=1000000 npm run bench -- bench/console-users.bench.ts
 * BENCH_DIR=<dir> keeps the seeded database there and reuses it on the next run.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { createOperatorService } from '../src/services/operators.ts';
import { createSqliteStore } from '../src/store/sqlite/store.ts';
import { seed, serve, stop } from './http-harness.ts';

const USERS = Number(process.env['USERS'] ?? 1_000_000);
const RUNS = Number(process.env['RUNS'] ?? 7);
const OPERATOR = { email: 'bench@vendor.test', password: 'bench password 0123456789' };
const CHROMIUM = '/usr/bin/chromium';

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const ms = (value: number): string => `${value.toFixed(1)} ms`;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await fn();
  return [result, performance.now() - start];
}

/**
 * Runs in the page: the Navigation and Resource Timing entries and the console's own marks
 * (`scimd:boot` when its script starts, `scimd:users-rows` when the rows are in the DOM), as
 * milliseconds after the navigation started.
 */
function timeline(): Record<string, number> {
  // Node's types have no DOM: the few fields read, typed here.
  type Timing = { name: string; startTime: number; requestStart: number; responseEnd: number };
  const perf = performance as unknown as { getEntriesByType(type: string): Timing[]; getEntriesByName(name: string): Timing[] };
  const out: Record<string, number> = {};
  const nav = perf.getEntriesByType('navigation')[0];
  if (nav) {
    out['HTML requested'] = nav.requestStart;
    out['HTML received'] = nav.responseEnd;
  }
  for (const entry of perf.getEntriesByType('resource')) {
    const url = new URL(entry.name);
    let label: string | undefined;
    if (/\/assets\/index-[^/]+\.js$/.test(url.pathname)) label = 'script (index-*.js)';
    else if (/\/assets\/.+\.css$/.test(url.pathname)) label = 'stylesheet';
    else if (/\/assets\/.+\.js$/.test(url.pathname)) label = `chunk ${url.pathname.split('/').pop()?.replace(/-[\w-]{8}\.js$/, '') ?? ''}`;
    else if (url.pathname === '/api/v1/session') label = 'GET /session';
    else if (/\/users$/.test(url.pathname)) label = url.searchParams.get('total') === 'false' ? 'GET …/users (rows, total=false)' : 'GET …/users (count)';
    else if (/^\/api\/v1\/organizations\/[^/]+$/.test(url.pathname)) label = 'GET /organizations/{id}';
    if (label === undefined) continue;
    out[`${label} requested`] = entry.startTime;
    out[`${label} received`] = entry.responseEnd;
  }
  for (const name of ['scimd:boot', 'scimd:users-rows']) {
    const mark = perf.getEntriesByName(name)[0];
    if (mark) out[name] = mark.startTime;
  }
  return out;
}

const keep = process.env['BENCH_DIR'];
const dir = keep ?? mkdtempSync(join(tmpdir(), 'scimd-console-bench-'));
try {
  if (keep !== undefined && existsSync(join(dir, 'scimd.db'))) {
    console.log(`reusing the database in ${dir}`);
  } else {
    console.log(`seeding ${USERS.toLocaleString()} users…`);
    mkdirSync(dir, { recursive: true });
    const [, seedMs] = await timed(() => seed(dir, USERS));
    console.log(`seeded in ${(seedMs / 1000).toFixed(1)} s`);
    const store = createSqliteStore({ path: join(dir, 'scimd.db') });
    await createOperatorService({ store }).create(OPERATOR);
    await store.close();
  }

  const { child, match } = await serve(dir);
  const origin = new URL(match[1]!).origin;
  try {
    const login = await fetch(`${origin}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(OPERATOR) });
    const token = ((await login.json()) as { token: string }).token;
    const headers = { Authorization: `Bearer ${token}` };
    const get = async (path: string) => {
      const response = await fetch(`${origin}/api/v1${path}`, { headers });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as { items: { id: string }[]; nextCursor?: string; totalResults?: number };
    };
    const orgId = (await get('/organizations')).items[0]!.id;

    const cold: number[] = [];
    const first: number[] = [];
    const rowsOnly: number[] = [];
    const next: number[] = [];
    let total = 0;
    for (let run = 0; run < RUNS; run++) {
      // What a cold Users page asks for at once: who am I, the organization, the first 50 rows.
      const [, coldMs] = await timed(() => Promise.all([get('/session'), get(`/organizations/${orgId}`), get(`/organizations/${orgId}/users?count=50&total=false`)]));
      cold.push(coldMs);
      const [page, firstMs] = await timed(() => get(`/organizations/${orgId}/users?count=50`));
      first.push(firstMs);
      total = page.totalResults ?? 0;
      const [, nextMs] = await timed(() => get(`/organizations/${orgId}/users?count=50&cursor=${encodeURIComponent(page.nextCursor ?? '')}`));
      next.push(nextMs);
      const [, rowsMs] = await timed(() => get(`/organizations/${orgId}/users?count=50&total=false`));
      rowsOnly.push(rowsMs);
    }
    console.log(`organization of ${total.toLocaleString()} users (totalResults on the first page)`);
    console.log(`API calls of a cold Users page (session, organization and the first 50 users, in parallel): median ${ms(median(cold))}, max ${ms(Math.max(...cold))}`);
    console.log(`  first page of 50 with the count: median ${ms(median(first))}; without it (total=false, what the page asks for): median ${ms(median(rowsOnly))}; next page by cursor: median ${ms(median(next))}`);

    if (!existsSync(CHROMIUM)) {
      console.log(`${CHROMIUM} is missing: skipping the browser measurement`);
    } else {
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(`${origin}/console`);
      await page.getByLabel('Email').fill(OPERATOR.email);
      await page.getByLabel('Password').fill(OPERATOR.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Organizations' }).waitFor();
      const signedIn = await page.context().storageState();
      // Warm: the same tab navigates to the page again (scripts from the browser cache, as on a
      // second visit). Cold: a new browser context each time (empty cache, signed in by cookie).
      for (const mode of ['warm', 'cold'] as const) {
        const rows: number[] = [];
        const counted: number[] = [];
        const phases = new Map<string, number[]>();
        for (let run = 0; run < RUNS; run++) {
          const context = mode === 'cold' ? await browser.newContext({ viewport: { width: 1280, height: 800 }, storageState: signedIn }) : undefined;
          const tab = context ? await context.newPage() : page;
          const start = performance.now();
          await tab.goto(`${origin}/console/orgs/${orgId}/users`);
          await tab.getByRole('row').nth(1).waitFor();
          rows.push(performance.now() - start);
          // The count line ("1,000,000 users"), not any text ending in "users" (the search box's label
          // does): the next run must not start while this page's COUNT still occupies the server.
          await tab.getByRole('status').filter({ hasText: /^[\d,.\s\u202f]+ users?$/ }).waitFor();
          counted.push(performance.now() - start);
          for (const [name, value] of Object.entries(await tab.evaluate(timeline))) phases.set(name, [...(phases.get(name) ?? []), value]);
          await context?.close();
        }
        console.log(`Chromium (${mode}), navigation → first user rows on screen: median ${ms(median(rows))}, max ${ms(Math.max(...rows))} (${rows.map((v) => v.toFixed(0)).join(', ')})`);
        console.log(`Chromium (${mode}), navigation → the count on screen too: median ${ms(median(counted))}, max ${ms(Math.max(...counted))}`);
        console.log(`  where the time goes (${mode}; the page's own clock, ms after navigation start, medians):`);
        const sorted = [...phases].map(([name, values]) => [name, median(values)] as const).sort((a, b) => a[1] - b[1]);
        for (const [name, value] of sorted) console.log(`    ${name.padEnd(44)} ${value.toFixed(1).padStart(8)}`);
      }
      await browser.close();
    }
  } finally {
    await stop(child);
  }
} finally {
  if (keep === undefined) rmSync(dir, { recursive: true, force: true });
}
