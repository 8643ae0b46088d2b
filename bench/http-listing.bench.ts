/**
 * Listing every user over HTTP (issue 4: "listing every user 100 per page: ≤ 0.5 s for 10k users;
 * the last page of a 1M-user organization as fast as the first (cursor paging)"). Seeds USERS
 * Entra-shaped users (default 10,000) into SQLite, starts `scimd serve` pinned to core 1, and walks
 * the whole listing 100 users a page over one keep-alive connection from core 0 — as Entra's and
 * Okta's imports do, one page after another — WALKS times each way: following RFC 9865
 * `nextCursor`, and by `startIndex`. Reports the time of a full walk and the latency of the first
 * ten and the last ten pages.
 *   npm run bench -- bench/http-listing.bench.ts                 (USERS=10000 WALKS=3)
 *   USERS=1000000 WALKS=1 npm run bench -- bench/http-listing.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Agent, request } from 'node:http';
import { seed, serve, stop, TOKEN } from './http-harness.ts';

const USERS = Number(process.env['USERS'] ?? 10_000);
const WALKS = Number(process.env['WALKS'] ?? 3);
const INDEX_PAGING = process.env['INDEX'] !== 'false' && USERS <= 100_000;

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function get(origin: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}${path}`, { agent, headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`${res.statusCode} for ${path}: ${body}`));
        else resolve(body);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

interface Walk {
  readonly seconds: number;
  readonly pages: number[];
  readonly users: number;
}

/** Walks the listing; `next` gives the path of the page after `body`, or undefined at the end. */
async function walk(origin: string, first: string, next: (body: string, page: number) => string | undefined): Promise<Walk> {
  const pages: number[] = [];
  let users = 0;
  const started = process.hrtime.bigint();
  for (let path: string | undefined = first, page = 0; path !== undefined; page += 1) {
    const t = process.hrtime.bigint();
    const body = await get(origin, path);
    pages.push(Number(process.hrtime.bigint() - t) / 1e6);
    users += (JSON.parse(body) as { Resources?: unknown[] }).Resources?.length ?? 0;
    path = next(body, page);
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, pages, users };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const report = (label: string, walks: Walk[]) => {
  const best = walks.map((w) => w.seconds);
  const last = walks[walks.length - 1]!;
  console.log(
    `${label}: ${last.users} users in ${last.pages.length} pages, full walk ${median(best).toFixed(3)} s (median of ${walks.length}; ` +
      `${best.map((s) => s.toFixed(3)).join(', ')}); first 10 pages median ${median(last.pages.slice(0, 10)).toFixed(2)} ms, ` +
      `last 10 pages median ${median(last.pages.slice(-10)).toFixed(2)} ms, all pages p50 ${median(last.pages).toFixed(2)} ms`,
  );
};

spawnSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
const dir = mkdtempSync(join(tmpdir(), 'scimd-http-listing-'));
try {
  const started = Date.now();
  await seed(dir, USERS);
  console.log(`seeded ${USERS} users in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const server = await serve(dir);
  const origin = new URL(server.match[1] as string).origin;
  try {
    await get(origin, '/scim/v2/Users?count=100'); // warm-up
    const byCursor: Walk[] = [];
    for (let i = 0; i < WALKS; i += 1) {
      byCursor.push(
        await walk(origin, '/scim/v2/Users?count=100&cursor=', (body) => {
          const cursor = /"nextCursor":"([^"]+)"/.exec(body)?.[1];
          return cursor === undefined ? undefined : `/scim/v2/Users?count=100&cursor=${encodeURIComponent(cursor)}`;
        }),
      );
    }
    report('cursor (RFC 9865)', byCursor);
    if (INDEX_PAGING) {
      const byIndex: Walk[] = [];
      for (let i = 0; i < WALKS; i += 1) {
        byIndex.push(
          await walk(origin, '/scim/v2/Users?count=100&startIndex=1', (_body, page) =>
            (page + 1) * 100 < USERS ? `/scim/v2/Users?count=100&startIndex=${(page + 1) * 100 + 1}` : undefined,
          ),
        );
      }
      report('startIndex', byIndex);
    }
  } finally {
    await stop(server.child);
  }
} finally {
  agent.destroy();
  rmSync(dir, { recursive: true, force: true });
}
