/**
 * The long HTTP fuzz run (docs/reliability.md): the generators of test/http/fuzz-requests.ts
 * against in-process apps on SQLite and/or PostgreSQL, in batches of `--batch` requests sent by
 * `--concurrency` workers per database (the databases side by side, one batch each per round), until `--requests` are
 * sent in all or `--minutes` have passed. Reports per database: requests, statuses, 5xx, error
 * answers without a SCIM error body, requests that threw, uncaught errors in the process (crashes),
 * and the process's RSS at start, peak and end.
 *
 *   node --import tsx bench/fuzz.ts --db both --requests 1000000 --minutes 600 --seed 1 --concurrency 4
 *
 * Rate limiting: the harness's clock only moves when told, so a fixed bucket would empty after
 * `burst` requests and turn the rest of the run into 429s. The fuzz key's bucket is refilled by
 * moving the clock 1 ms (one token at 1,000/s) before each request, so fuzz requests are never
 * throttled; after each batch a probe drains the bucket with the clock stopped and must get exactly
 * `PROBE_REFUSED` 429s, each a SCIM error body with `Retry-After`.
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { createHarness, testDialects, type CallResult, type Harness } from '../test/http/harness.ts';
import { fuzzRequest, violation, type FuzzRequest, type FuzzTargets } from '../test/http/fuzz-requests.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    requests: { type: 'string', default: '1000000' },
    minutes: { type: 'string', default: '600' },
    seed: { type: 'string', default: '1' },
    batch: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '1' },
  },
});

function positiveInteger(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}
if (!['sqlite', 'postgres', 'both'].includes(values.db)) throw new Error(`--db must be sqlite, postgres or both, got ${JSON.stringify(values.db)}`);
const total = positiveInteger('requests', values.requests);
const batch = positiveInteger('batch', values.batch);
const concurrency = positiveInteger('concurrency', values.concurrency);
const minutes = Number(values.minutes);
if (!(minutes > 0)) throw new Error(`--minutes must be a positive number, got ${JSON.stringify(values.minutes)}`);
const firstSeed = Number(values.seed);
if (!Number.isInteger(firstSeed)) throw new Error(`--seed must be an integer, got ${JSON.stringify(values.seed)}`);
const deadline = Date.now() + minutes * 60_000;

/** Tokens per second and bucket size of the fuzz harness: a bucket larger than the workers in flight. */
const RATE = { perSecond: 1000, burst: Math.max(20, 2 * concurrency) };
/** 429s the probe must get after draining the bucket. */
const PROBE_REFUSED = 3;

type Kind = '5xx' | 'errorBody' | 'threw';

interface Target {
  readonly name: string;
  readonly h: Harness;
  readonly targets: FuzzTargets;
  readonly quota: number;
  sent: number;
  probes: number;
  readonly statuses: Map<number, number>;
  readonly counts: Record<Kind, number>;
  readonly examples: string[];
}

const crashes: string[] = [];
process.on('uncaughtException', (error) => crashes.push(`uncaughtException: ${error.stack ?? String(error)}`));
process.on('unhandledRejection', (reason) => crashes.push(`unhandledRejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`));

function note(target: Target, seed: number, kind: Kind, problem: string): void {
  target.counts[kind] += 1;
  process.stderr.write(`VIOLATION ${target.name} seed ${seed} ${kind}: ${problem}\n`);
  if (target.examples.length < 50) target.examples.push(`seed ${seed} ${kind}: ${problem}`);
}

function count(target: Target, result: CallResult): void {
  target.statuses.set(result.status, (target.statuses.get(result.status) ?? 0) + 1);
}

/** Sends one request; a thrown error (e.g. a body that is not JSON) is a violation too. */
async function send(target: Target, seed: number, request: FuzzRequest): Promise<CallResult | undefined> {
  try {
    const result = await target.h.call(request.method, request.path, { ...request.options, noise: true });
    count(target, result);
    const problem = violation(request, result);
    if (problem !== undefined) note(target, seed, result.status >= 500 ? '5xx' : 'errorBody', problem);
    return result;
  } catch (error) {
    note(target, seed, 'threw', `${request.method} ${request.path.slice(0, 200)} threw ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** Drains the fuzz key's bucket with the clock stopped: the last PROBE_REFUSED answers must be 429. */
async function probeRateLimit(target: Target, seed: number): Promise<void> {
  target.h.advance(60_000);
  const probe: FuzzRequest = { method: 'GET', path: '/Users?count=1&attributes=userName', options: {} };
  const answers: number[] = [];
  for (let n = 0; n < RATE.burst + PROBE_REFUSED; n += 1) {
    const result = await send(target, seed, probe);
    answers.push(result?.status ?? 0);
    if (result?.status === 429 && !/^\d+$/.test(result.headers.get('Retry-After') ?? '')) note(target, seed, 'errorBody', '429 without a Retry-After');
  }
  target.probes += answers.length;
  const refused = answers.filter((s) => s === 429).length;
  if (refused !== PROBE_REFUSED || answers.slice(0, RATE.burst).some((s) => s !== 200)) {
    note(target, seed, 'errorBody', `rate-limit probe: expected ${RATE.burst} × 200 then ${PROBE_REFUSED} × 429, got ${answers.join(',')}`);
  }
  target.h.advance(60_000);
}

async function runBatch(target: Target, seed: number): Promise<void> {
  const samples = fc.sample(fuzzRequest(target.targets), { numRuns: Math.min(batch, target.quota - target.sent), seed });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < samples.length) {
      const request = samples[next]!;
      next += 1;
      target.h.advance(1);
      await send(target, seed, request);
      target.sent += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  // The harness keeps every log line; a long run must not measure that.
  target.h.logs.length = 0;
  await probeRateLimit(target, seed);
}

async function open(dialect: Awaited<ReturnType<typeof testDialects>>[number], quota: number): Promise<Target> {
  const h = await createHarness({ dialect, rateLimit: RATE });
  const user = await h.call('POST', '/Users', { body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'fuzz@example.com' } });
  const group = await h.call('POST', '/Groups', { body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Fuzz' } });
  return {
    name: dialect.name,
    h,
    targets: { userId: user.json.id, groupId: group.json.id },
    quota,
    sent: 0,
    probes: 0,
    statuses: new Map(),
    counts: { '5xx': 0, errorBody: 0, threw: 0 },
    examples: [],
  };
}

const dialects = (await testDialects()).filter((d) => values.db === 'both' || d.name === values.db);
const wanted = values.db === 'both' ? ['sqlite', 'postgres'] : [values.db];
const missing = wanted.filter((name) => !dialects.some((d) => d.name === name));
if (missing.length > 0) throw new Error(`${missing.join(', ')} is not reachable (PostgreSQL: SCIMD_TEST_POSTGRES_URL or postgres://postgres@127.0.0.1:5432)`);
const targets = await Promise.all(dialects.map((d, i) => open(d, Math.floor(total / dialects.length) + (i < total % dialects.length ? 1 : 0))));

const mb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
const rssStart = mb();
let rssPeak = rssStart;
let seed = firstSeed;
const started = Date.now();
const sentAll = () => targets.reduce((sum, t) => sum + t.sent, 0);
const violationsOf = (t: Target) => t.counts['5xx'] + t.counts.errorBody + t.counts.threw;

// The databases go in lockstep, one batch each per round: SQLite answers synchronously and would
// otherwise starve PostgreSQL's workers of the event loop.
while (targets.some((t) => t.sent < t.quota) && Date.now() < deadline) {
  await Promise.all(
    targets
      .filter((t) => t.sent < t.quota)
      .map((t) => {
        seed += 1;
        return runBatch(t, seed);
      }),
  );
  rssPeak = Math.max(rssPeak, mb());
  const perSecond = Math.round(sentAll() / ((Date.now() - started) / 1000));
  process.stderr.write(
    `${new Date().toISOString()} ${sentAll()} requests (${perSecond}/s): ${targets.map((t) => `${t.name} ${t.sent} sent, ${violationsOf(t)} violations`).join('; ')}; crashes ${crashes.length}; rss ${mb()} MB, heap ${Math.round(process.memoryUsage().heapUsed / 1048576)} MB\n`,
  );
}

const report = {
  minutes: Math.round((Date.now() - started) / 6000) / 10,
  concurrency,
  requests: sentAll(),
  perSecond: Math.round(sentAll() / ((Date.now() - started) / 1000)),
  databases: Object.fromEntries(
    targets.map((t) => [t.name, { requests: t.sent, rateLimitProbes: t.probes, ...t.counts, statuses: Object.fromEntries([...t.statuses].sort(([a], [b]) => a - b)) }]),
  ),
  crashes: crashes.length,
  rssStartMb: rssStart,
  rssPeakMb: rssPeak,
  rssEndMb: mb(),
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
for (const t of targets) for (const v of t.examples.slice(0, 10)) process.stdout.write(`  ${t.name} ${v}\n`);
for (const c of crashes.slice(0, 10)) process.stdout.write(`  crash ${c}\n`);
for (const t of targets) await t.h.close();
process.exit(targets.some((t) => violationsOf(t) > 0) || crashes.length > 0 ? 1 : 0);
