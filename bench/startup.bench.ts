/**
 * How fast scimd starts from the compiled JavaScript (dist/): `scimd --help`, `npm start` up to the
 * `Tenant URL:` line on an existing SQLite database of USERS users (default 1,000,000), and a
 * restart after `kill -9` of a server that was taking writes, up to the `Tenant URL:` line and a
 * 200 from /readyz. Each is the median of RUNS runs (default 5), wall-clock time from spawn, next
 * to bare `node -e 0` measured in the same run (on a shared machine the load moves every number),
 * and the CPU time the process tree used up to the Tenant URL line (/proc), which the load does not.
 *   npm run bench -- bench/startup.bench.ts        (USERS=1000000 RUNS=5; seeding 1M takes minutes)
 * Set DATA_DIR to an existing seeded directory to skip seeding (it must hold the bench token's org).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT, TOKEN, entraUser, seed } from './http-harness.ts';

const USERS = Number(process.env['USERS'] ?? 1_000_000);
const RUNS = Number(process.env['RUNS'] ?? 5);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Wall-clock time of `node <args>` run to completion. */
function timeNode(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed`);
  return performance.now() - started;
}

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) used so far by `pid` and its descendants, from /proc (Linux). */
function cpuOfTree(pid: number): number {
  let ticks = 0;
  const visit = (id: number) => {
    try {
      const fields = readFileSync(`/proc/${id}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      for (const task of readdirSync(`/proc/${id}/task`)) {
        for (const child of readFileSync(`/proc/${id}/task/${task}/children`, 'utf8').trim().split(' ').filter(Boolean)) visit(Number(child));
      }
    } catch {
      // The process ended meanwhile.
    }
  };
  visit(pid);
  return ticks / TICKS_PER_SECOND;
}

/** Spawns `command` and resolves once stdout shows the Tenant URL line, with the elapsed time. */
function startUntilTenantUrl(command: string, args: string[], dataDir: string) {
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', SCIMD_RATE_LIMIT_PER_SECOND: '1000000', SCIMD_RATE_LIMIT_BURST: '1000000' },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  return new Promise<{ ms: number; cpu: number; url: string; child: typeof child }>((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`${command} exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^Tenant URL: (\S+)$/.exec(line);
      if (match) resolve({ ms: performance.now() - started, cpu: cpuOfTree(child.pid!), url: match[1]!, child });
    });
  });
}

async function stopGroup(child: ReturnType<typeof spawn>, signal: NodeJS.Signals): Promise<void> {
  child.removeAllListeners('exit');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, signal);
  await exited;
}

async function postUsers(url: string, from: number, count: number): Promise<void> {
  await Promise.all(Array.from({ length: count }, (_, i) =>
    fetch(`${url}/Users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify(entraUser(`restart${from + i}@contoso.test`, from + i)),
    }).then((r) => r.arrayBuffer())));
}

const given = process.env['DATA_DIR'];
const dir = given ?? mkdtempSync(join(tmpdir(), 'scimd-startup-'));
try {
  if (given === undefined) {
    const t = Date.now();
    await seed(dir, USERS);
    console.log(`seeded ${USERS} users in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
  // Warm the file cache and apply pending migrations once, as a server that ran before would have.
  await stopGroup((await startUntilTenantUrl(process.execPath, ['bin/scimd.js', 'serve'], dir)).child, 'SIGTERM');

  // Bare Node's own start on this machine right now: the floor under every number below.
  const bare = Array.from({ length: RUNS }, () => timeNode(['-e', '0']));
  console.log(`load average: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} on ${readFileSync('/proc/cpuinfo', 'utf8').split('processor').length - 1} cores`);
  console.log(`node -e 0 (baseline): median ${seconds(median(bare))} (${bare.map(seconds).join(', ')})`);
  const help = Array.from({ length: RUNS }, () => timeNode(['bin/scimd.js', '--help']));
  console.log(`scimd --help: median ${seconds(median(help))} (${help.map(seconds).join(', ')})`);

  for (const [label, command, args] of [
    ['npm start', 'npm', ['start', '--silent']],
    ['node bin/scimd.js serve', process.execPath, ['bin/scimd.js', 'serve']],
  ] as const) {
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const run = await startUntilTenantUrl(command, [...args], dir);
      wall.push(run.ms);
      cpu.push(run.cpu * 1000);
      await stopGroup(run.child, 'SIGTERM');
    }
    console.log(`${label} → Tenant URL (${USERS} users): median ${seconds(median(wall))} wall (${wall.map(seconds).join(', ')}), ${seconds(median(cpu))} CPU`);
  }

  const restart: number[] = [];
  const restartCpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const running = await startUntilTenantUrl(process.execPath, ['bin/scimd.js', 'serve'], dir);
    await postUsers(running.url, i * 100, 100);
    // Writes in flight when the process dies: the next start must recover the WAL and serve.
    const inFlight = postUsers(running.url, i * 100 + 50_000, 50).catch(() => undefined);
    await stopGroup(running.child, 'SIGKILL');
    await inFlight;
    const started = performance.now();
    const again = await startUntilTenantUrl(process.execPath, ['bin/scimd.js', 'serve'], dir);
    const ready = await fetch(new URL('/readyz', again.url));
    if (ready.status !== 200) throw new Error(`/readyz answered ${ready.status} after a restart`);
    restart.push(performance.now() - started);
    restartCpu.push(again.cpu * 1000);
    await stopGroup(again.child, 'SIGTERM');
  }
  console.log(`restart after kill -9 → Tenant URL + /readyz 200: median ${seconds(median(restart))} wall (${restart.map(seconds).join(', ')}), ${seconds(median(restartCpu))} CPU to the Tenant URL`);
} finally {
  if (given === undefined) rmSync(dir, { recursive: true, force: true });
}
