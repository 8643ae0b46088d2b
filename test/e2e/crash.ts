/**
 * The crash run (docs/reliability.md): `scimd serve` on SQLite or PostgreSQL, concurrent writers
 * creating users, renaming them (PATCH) and adding them to a group, and SIGKILL at random moments.
 * After every restart the ledger of acknowledged writes is checked against what the server
 * returns: every write answered 2xx is there (nothing lost), nothing that was never sent is there
 * (nothing phantom), and a write cut off by the kill is either fully there or not at all. SQLite's
 * `PRAGMA integrity_check` runs at the end. Deterministic in its choices for a given seed (the
 * timing of the kills relative to the writes is not).
 */
import Database from 'better-sqlite3';
import { createBenchDatabase, seedTenants, type BenchDb } from '../../bench/tenants.ts';
import { serveScimd, type Served } from './process.ts';

export interface CrashOptions {
  readonly db: BenchDb;
  /** How many times the server is killed. */
  readonly kills: number;
  readonly seed: number;
  /** Concurrent writers (default 8). */
  readonly writers?: number;
  /** Range of the time between a start and its kill, ms (default 200–1500). */
  readonly windowMs?: readonly [number, number];
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export interface CrashReport {
  readonly db: BenchDb;
  readonly kills: number;
  /** Writes answered 2xx. */
  readonly acknowledged: number;
  /** Writes cut off by a kill (outcome unknown to the client; each was found all-or-nothing). */
  readonly interrupted: number;
  /** Acknowledged writes missing after a restart. */
  readonly lost: readonly string[];
  /** Data found that no request ever asked for, or half of an interrupted write. */
  readonly phantom: readonly string[];
  /** SQLite `PRAGMA integrity_check` ("ok"), or "n/a" on PostgreSQL. */
  readonly integrity: string;
}

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
/** How long a start may take: generous, because a busy machine slows the restart, not the check. */
const START_TIMEOUT_MS = 180_000;
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** mulberry32: a small seeded PRNG, so a run's choices repeat. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the client knows about one user it created. */
interface Known {
  id?: string;
  /** The create was acknowledged (else it was interrupted and is resolved on the next check). */
  created: boolean;
  /** The displayName last acknowledged, and one sent but not answered (either may be stored). */
  displayName: string | null;
  pendingName?: string;
  /** Membership in the group: acknowledged, or sent but not answered. */
  member: boolean;
  pendingMember?: boolean;
}

type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; json: Record<string, unknown> | undefined }>;

function client(served: Served, token: string): Call {
  return async (method, path, body) => {
    const response = await fetch(`${served.tenantUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/scim+json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    return { status: response.status, json: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
  };
}

/** Runs the crash test; resolves with its report (the caller asserts on it). */
export async function crashRun(options: CrashOptions): Promise<CrashReport> {
  const random = prng(options.seed);
  const log = options.log ?? (() => undefined);
  const [low, high] = options.windowMs ?? [200, 1500];
  const db = await createBenchDatabase(options.db);
  const [tenant] = await seedTenants(db, 1, 0, 1);
  if (!tenant) throw new Error('seeding failed');
  const groupId = tenant.groupIds[0] as string;
  const users = new Map<string, Known>();
  let acknowledged = 0;
  let interrupted = 0;
  const lost: string[] = [];
  const phantom: string[] = [];
  let next = 0;

  /** One writer: create, rename or add to the group one of its own users, until the server dies. */
  async function writer(call: Call, w: number, alive: () => boolean): Promise<void> {
    const mine = () => [...users.entries()].filter(([name, k]) => name.startsWith(`w${w}-`) && k.created && k.id !== undefined);
    while (alive()) {
      const roll = random();
      const own = mine();
      let op: () => Promise<void>;
      if (own.length === 0 || roll < 0.4) {
        const name = `w${w}-${(next += 1)}@crash.test`;
        const known: Known = { created: false, displayName: null, member: false };
        users.set(name, known);
        op = async () => {
          const r = await call('POST', '/Users', { schemas: [USER], userName: name });
          if (r.status !== 201) throw new Error(`create answered ${r.status}`);
          known.id = r.json?.['id'] as string;
          known.created = true;
        };
      } else {
        const [name, known] = own[Math.floor(random() * own.length)] as [string, Known];
        if (roll < 0.8 || known.member) {
          const value = `${name} v${(next += 1)}`;
          known.pendingName = value;
          op = async () => {
            const r = await call('PATCH', `/Users/${known.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value }] });
            if (r.status !== 200) throw new Error(`PATCH answered ${r.status}`);
            known.displayName = value;
            delete known.pendingName;
          };
        } else {
          known.pendingMember = true;
          op = async () => {
            const r = await call('PATCH', `/Groups/${groupId}`, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: known.id }] }] });
            if (r.status !== 204 && r.status !== 200) throw new Error(`member add answered ${r.status}`);
            known.member = true;
            delete known.pendingMember;
          };
        }
      }
      try {
        await op();
        acknowledged += 1;
      } catch (error) {
        // Refused connections and resets are the kill; a 4xx/5xx is a finding.
        if (alive()) throw error;
        interrupted += 1;
        return;
      }
    }
  }

  /** Compares the ledger with the server and resolves interrupted writes to what was stored. */
  async function check(call: Call, round: number): Promise<void> {
    const stored = new Map<string, { id: string; displayName: string | undefined }>();
    for (let start = 1; ; start += 500) {
      const page = await call('GET', `/Users?startIndex=${start}&count=500&attributes=userName,displayName`);
      const resources = (page.json?.['Resources'] ?? []) as { id: string; userName: string; displayName?: string }[];
      for (const r of resources) stored.set(r.userName, { id: r.id, displayName: r.displayName });
      if (resources.length < 500) break;
    }
    const group = await call('GET', `/Groups/${groupId}`);
    const members = new Set(((group.json?.['members'] ?? []) as { value: string }[]).map((m) => m.value));
    for (const name of stored.keys()) if (!users.has(name)) phantom.push(`round ${round}: user ${name} was never created`);
    for (const [name, known] of users) {
      const found = stored.get(name);
      if (!known.created) {
        // An interrupted create: there or not, but if there, complete.
        if (found) Object.assign(known, { created: true, id: found.id });
        else users.delete(name);
        continue;
      }
      if (!found || found.id !== known.id) {
        lost.push(`round ${round}: acknowledged user ${name} is missing`);
        continue;
      }
      const allowed = [known.displayName ?? undefined, known.pendingName];
      if (!allowed.includes(found.displayName)) phantom.push(`round ${round}: ${name} has displayName ${String(found.displayName)}, expected one of ${allowed.join(' | ')}`);
      known.displayName = found.displayName ?? null;
      delete known.pendingName;
      const isMember = members.has(known.id as string);
      if (known.member && !isMember) lost.push(`round ${round}: acknowledged membership of ${name} is missing`);
      if (!known.member && !known.pendingMember && isMember) phantom.push(`round ${round}: ${name} is a member without being added`);
      known.member = isMember;
      delete known.pendingMember;
    }
    for (const id of members) if (![...users.values()].some((k) => k.id === id)) phantom.push(`round ${round}: unknown member ${id}`);
  }

  const env = { ...db.env, SCIMD_RATE_LIMIT_PER_SECOND: '100000', SCIMD_RATE_LIMIT_BURST: '100000', LOG_LEVEL: 'info' };
  let integrity = 'n/a';
  try {
    for (let round = 1; round <= options.kills; round += 1) {
      const served = await serveScimd(env, [], START_TIMEOUT_MS);
      const call = client(served, tenant.token);
      await check(call, round);
      let alive = true;
      let failure: unknown;
      const writers = Array.from({ length: options.writers ?? 8 }, (_, w) =>
        writer(call, w, () => alive).catch((error: unknown) => {
          failure ??= error;
        }),
      );
      const window = low + Math.floor(random() * (high - low));
      await new Promise((resolve) => setTimeout(resolve, window));
      alive = false;
      await served.stop('SIGKILL');
      await Promise.all(writers);
      if (failure !== undefined) throw failure;
      log(`${options.db} kill ${round}/${options.kills} after ${window} ms: ${acknowledged} acknowledged, ${interrupted} interrupted so far`);
    }
    const served = await serveScimd(env, [], START_TIMEOUT_MS);
    await check(client(served, tenant.token), options.kills + 1);
    await served.stop();
    if (db.sqlitePath !== undefined) {
      const sqlite = new Database(db.sqlitePath, { readonly: true });
      integrity = (sqlite.pragma('integrity_check', { simple: true }) as string) ?? 'no answer';
      sqlite.close();
    }
  } finally {
    await db.remove();
  }
  return { db: options.db, kills: options.kills, acknowledged, interrupted, lost, phantom, integrity };
}
