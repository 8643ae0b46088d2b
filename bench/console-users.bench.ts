/**
 * How fast the console's Users page opens for a big organization: seeds USERS Entra-shaped users
 * (default 1,000,000) into SQLite, starts `scimd serve` pinned to core 1, then
 *   1. replays the admin API calls the page makes on a cold load — who am I, the organization,
 *      the first page of 50 users (which counts the organization once for `totalResults`) — and
 *      the next and a deep page by cursor, RUNS times each;
 *   2. opens the page in headless Chromium (Debian's /usr/bin/chromium) RUNS times, timing from
 *      navigation to the first user row on screen.
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
      const [page, coldMs] = await timed(async () => {
        await get('/session');
        await get(`/organizations/${orgId}`);
        const [page1, firstMs] = await timed(() => get(`/organizations/${orgId}/users?count=50`));
        first.push(firstMs);
        return page1;
      });
      cold.push(coldMs);
      total = page.totalResults ?? 0;
      const [, nextMs] = await timed(() => get(`/organizations/${orgId}/users?count=50&cursor=${encodeURIComponent(page.nextCursor ?? '')}`));
      next.push(nextMs);
      const [, rowsMs] = await timed(() => get(`/organizations/${orgId}/users?count=50&total=false`));
      rowsOnly.push(rowsMs);
    }
    console.log(`organization of ${total.toLocaleString()} users (totalResults on the first page)`);
    console.log(`API calls of a cold Users page (session, organization, first 50 users): median ${ms(median(cold))}, max ${ms(Math.max(...cold))}`);
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
      const rows: number[] = [];
      const counted: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const start = performance.now();
        await page.goto(`${origin}/console/orgs/${orgId}/users`);
        await page.getByRole('row').nth(1).waitFor();
        rows.push(performance.now() - start);
        await page.getByText(/users$/).first().waitFor();
        counted.push(performance.now() - start);
      }
      await browser.close();
      console.log(`Chromium, navigation → first user rows on screen: median ${ms(median(rows))}, max ${ms(Math.max(...rows))} (${rows.map((v) => v.toFixed(0)).join(', ')})`);
      console.log(`Chromium, navigation → the count on screen too: median ${ms(median(counted))}, max ${ms(Math.max(...counted))}`);
    }
  } finally {
    await stop(child);
  }
} finally {
  if (keep === undefined) rmSync(dir, { recursive: true, force: true });
}
