/**
 * Soak: `scimd serve` on SQLite or PostgreSQL under a steady mixed SCIM load from many
 * organizations (Entra's documented minimum is 25 requests/s per tenant), reporting errors, p50/p99
 * latency, the server's RSS at start, at end and its peak (sampled every second), and throughput per minute (first vs last).
 *
 *   node --import tsx bench/soak.ts --db postgres --minutes 30 --orgs 100 --rate 25
 *
 * Exits 1 when any request got a 5xx or failed to connect; `.ci/run` runs a 15-second slice of
 * 5 organizations on each database (`--minutes 0.25 --orgs 5`).
 *
 * The load is open-loop: requests are issued on a 10 ms tick at orgs × rate per second, with at most
 * `--inflight` outstanding; ticks that find no room count as `shed` (the server could not keep up).
 * Mix per request: 35 % filter lookup by userName, 20 % GET by id, 25 % PATCH (Entra shapes),
 * 10 % POST a new user, 5 % group member add/remove, 5 % group lookup by displayName.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { serveScimd } from '../test/e2e/process.ts';
import { createBenchDatabase, seedTenants, type BenchDb, type Tenant } from './tenants.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    minutes: { type: 'string', default: '5' },
    orgs: { type: 'string', default: '100' },
    rate: { type: 'string', default: '25' },
    inflight: { type: 'string', default: '256' },
  },
});
const kind = values.db as BenchDb;
const minutes = Number(values.minutes);
const orgCount = Number(values.orgs);
const ratePerOrg = Number(values.rate);
const maxInflight = Number(values.inflight);

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line?.replace(/\D+/g, '') ?? 0) / 1024);
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

interface Request {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
}

let created = 0;
/** One request of the mix for `tenant`. */
function nextRequest(tenant: Tenant): Request {
  const roll = Math.random() * 100;
  if (roll < 35) return { method: 'GET', path: `/Users?filter=${encodeURIComponent(`userName eq "${pick(tenant.userNames)}"`)}` };
  if (roll < 55) return { method: 'GET', path: `/Users/${pick(tenant.userIds)}` };
  if (roll < 80) {
    const n = Math.floor(Math.random() * 1000);
    const shapes = [
      { op: 'Replace', path: 'displayName', value: `Renamed ${n}` },
      { op: 'Replace', path: 'active', value: n % 2 === 0 ? 'True' : 'False' },
      { op: 'replace', value: { 'name.givenName': `G${n}`, title: 'Engineer' } },
    ];
    return { method: 'PATCH', path: `/Users/${pick(tenant.userIds)}`, body: { schemas: [PATCH], Operations: [pick(shapes)] } };
  }
  if (roll < 90) {
    created += 1;
    return { method: 'POST', path: '/Users', body: { schemas: [USER], userName: `soak${created}-${process.pid}@${tenant.orgId}.test`, active: true } };
  }
  if (roll < 95) {
    const op = Math.random() < 0.5 ? { op: 'add', path: 'members', value: [{ value: pick(tenant.userIds) }] } : { op: 'remove', path: `members[value eq "${pick(tenant.userIds)}"]` };
    return { method: 'PATCH', path: `/Groups/${pick(tenant.groupIds)}`, body: { schemas: [PATCH], Operations: [op] } };
  }
  return { method: 'GET', path: `/Groups?filter=${encodeURIComponent('displayName eq "Group 0"')}&excludedAttributes=members` };
}

async function main(): Promise<void> {
  const db = await createBenchDatabase(kind);
  process.stderr.write(`seeding ${orgCount} organizations on ${kind}…\n`);
  const tenants = await seedTenants(db, orgCount);
  const server = await serveScimd({ ...db.env, SCIMD_RATE_LIMIT_PER_SECOND: '10000', SCIMD_RATE_LIMIT_BURST: '10000' }, [], 180_000);
  const pid = server.child.pid as number;
  const base = server.tenantUrl;
  const rssStart = rssOf(pid);
  // The server's RSS once a second: its peak shows growth that a start/end pair would miss.
  let rssMax = rssStart;
  const rssSampler = setInterval(() => (rssMax = Math.max(rssMax, rssOf(pid))), 1000);
  const durationMs = minutes * 60_000;
  const perTick = (orgCount * ratePerOrg) / 100;
  const latencies: number[] = [];
  const perMinute: number[] = [];
  const statuses = new Map<number, number>();
  let errors5xx = 0;
  let failures = 0;
  let shed = 0;
  let inflight = 0;
  let owed = 0;
  const started = performance.now();

  async function send(tenant: Tenant): Promise<void> {
    const request = nextRequest(tenant);
    const t0 = performance.now();
    inflight += 1;
    try {
      const response = await fetch(`${base}${request.path}`, {
        method: request.method,
        headers: { Authorization: `Bearer ${tenant.token}`, ...(request.body === undefined ? {} : { 'Content-Type': 'application/scim+json' }) },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      });
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500) errors5xx += 1;
    } catch {
      failures += 1;
    } finally {
      inflight -= 1;
      const done = performance.now();
      latencies.push(done - t0);
      const minute = Math.floor((done - started) / 60_000);
      perMinute[minute] = (perMinute[minute] ?? 0) + 1;
    }
  }

  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (performance.now() - started >= durationMs) {
        clearInterval(timer);
        resolve();
        return;
      }
      owed += perTick;
      while (owed >= 1) {
        owed -= 1;
        if (inflight >= maxInflight) {
          shed += 1;
          continue;
        }
        void send(pick(tenants));
      }
    }, 10);
  });
  while (inflight > 0) await new Promise((r) => setTimeout(r, 50));
  clearInterval(rssSampler);
  const rssEnd = rssOf(pid);
  rssMax = Math.max(rssMax, rssEnd);
  await server.stop();
  await db.remove();

  const sorted = Float64Array.from(latencies).sort();
  const fullMinutes = perMinute.slice(0, Math.floor(minutes));
  const first = fullMinutes[0] ?? 0;
  const last = fullMinutes[fullMinutes.length - 1] ?? 0;
  const summary = {
    db: kind,
    minutes,
    orgs: orgCount,
    targetPerSecond: orgCount * ratePerOrg,
    requests: latencies.length,
    achievedPerSecond: Math.round(latencies.length / (durationMs / 1000)),
    errors5xx,
    networkFailures: failures,
    shed,
    statuses: Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
    p50ms: Math.round(percentile(sorted, 50) * 10) / 10,
    p99ms: Math.round(percentile(sorted, 99) * 10) / 10,
    rssStartMb: rssStart,
    rssEndMb: rssEnd,
    rssMaxMb: rssMax,
    firstMinutePerSecond: Math.round(first / 60),
    lastMinutePerSecond: Math.round(last / 60),
    perMinutePerSecond: fullMinutes.map((n) => Math.round(n / 60)),
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  // A 5xx or a failed connection fails the run (CI runs a short slice of each database).
  if (errors5xx > 0 || failures > 0) {
    process.stderr.write(`soak failed: ${errors5xx} × 5xx, ${failures} network failures\n`);
    process.exitCode = 1;
  }
}

await main();
