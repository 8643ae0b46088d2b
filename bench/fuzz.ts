/**
 * The long HTTP fuzz run (docs/reliability.md): the generators of test/http/fuzz-requests.ts
 * against in-process apps on SQLite and PostgreSQL, alternating batches of 1,000 requests, until
 * `--requests` are sent or `--minutes` have passed. Reports requests per database, violations
 * (5xx or non-SCIM error bodies; the first ones printed with their seed), and RSS start/peak/end.
 *
 *   node --import tsx bench/fuzz.ts --requests 1000000 --minutes 600 --seed 1
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { createHarness, testDialects, type Harness } from '../test/http/harness.ts';
import { fuzzRequest, sendAndCheck, type FuzzTargets } from '../test/http/fuzz-requests.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000000' },
    minutes: { type: 'string', default: '600' },
    seed: { type: 'string', default: '1' },
    batch: { type: 'string', default: '1000' },
  },
});
const total = Number(values.requests);
const deadline = Date.now() + Number(values.minutes) * 60_000;
const batch = Number(values.batch);

interface Target {
  name: string;
  h: Harness;
  targets: FuzzTargets;
  sent: number;
  violations: string[];
}

async function open(dialect: Awaited<ReturnType<typeof testDialects>>[number]): Promise<Target> {
  const h = await createHarness({ dialect });
  const user = await h.call('POST', '/Users', { body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'fuzz@example.com' } });
  const group = await h.call('POST', '/Groups', { body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Fuzz' } });
  return { name: dialect.name, h, targets: { userId: user.json.id, groupId: group.json.id }, sent: 0, violations: [] };
}

const targets = await Promise.all((await testDialects()).map(open));
const mb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
const rssStart = mb();
let rssPeak = rssStart;
let seed = Number(values.seed);
let sent = 0;
const started = Date.now();
while (sent < total && Date.now() < deadline) {
  for (const target of targets) {
    const samples = fc.sample(fuzzRequest(target.targets), { numRuns: batch, seed: (seed += 1) });
    for (const request of samples) {
      const problem = await sendAndCheck(target.h, request);
      target.sent += 1;
      sent += 1;
      if (problem !== undefined) {
        process.stderr.write(`VIOLATION ${target.name} seed ${seed}: ${problem}\n`);
        if (target.violations.length < 50) target.violations.push(`seed ${seed}: ${problem}`);
      }
    }
    rssPeak = Math.max(rssPeak, mb());
  }
  const perSecond = Math.round(sent / ((Date.now() - started) / 1000));
  process.stderr.write(`${sent} requests (${perSecond}/s), violations ${targets.map((t) => `${t.name} ${t.violations.length}`).join(', ')}, rss ${mb()} MB\n`);
}
const report = {
  requests: Object.fromEntries(targets.map((t) => [t.name, t.sent])),
  violations: Object.fromEntries(targets.map((t) => [t.name, t.violations.length])),
  minutes: Math.round((Date.now() - started) / 6000) / 10,
  rssStartMb: rssStart,
  rssPeakMb: rssPeak,
  rssEndMb: mb(),
};
process.stdout.write(`${JSON.stringify(report)}\n`);
for (const t of targets) for (const v of t.violations.slice(0, 10)) process.stdout.write(`  ${t.name} ${v}\n`);
for (const t of targets) await t.h.close();
process.exit(targets.some((t) => t.violations.length > 0) ? 1 : 0);
