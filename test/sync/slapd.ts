/**
 * A private OpenLDAP server for tests: Debian's /usr/sbin/slapd started on a free port of
 * 127.0.0.1 with a temporary slapd.conf and MDB database, the suffix dc=corp,dc=example and the
 * root DN cn=admin,dc=corp,dc=example / secret. `slapdAvailable()` tells whether tests can run:
 * without slapd they skip, unless CI=true, where a missing slapd is a failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';

export const SLAPD = '/usr/sbin/slapd';
export const SUFFIX = 'dc=corp,dc=example';
export const ROOT_DN = `cn=admin,${SUFFIX}`;
export const ROOT_PASSWORD = 'secret';

/** Undefined when slapd can run, else why the LDAP tests skip. */
export function slapdSkipReason(): string | undefined {
  if (existsSync(SLAPD)) return undefined;
  if (process.env['CI'] === 'true') throw new Error(`CI=true but ${SLAPD} is missing (apt-get install slapd)`);
  return `${SLAPD} is not installed (apt-get install slapd); LDAP tests skipped`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

export interface Slapd {
  readonly url: string;
  /** A bound admin client (caller unbinds). */
  admin(): Promise<Client>;
  stop(): Promise<void>;
}

/** Starts slapd with the base entries ou=people and ou=groups. */
export async function startSlapd(): Promise<Slapd> {
  const dir = mkdtempSync(join(tmpdir(), 'scimd-slapd-'));
  mkdirSync(join(dir, 'db'));
  const conf = join(dir, 'slapd.conf');
  writeFileSync(
    conf,
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      'include /etc/ldap/schema/nis.schema',
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      `pidfile ${join(dir, 'slapd.pid')}`,
      'database mdb',
      'maxsize 104857600',
      `suffix "${SUFFIX}"`,
      `rootdn "${ROOT_DN}"`,
      `rootpw ${ROOT_PASSWORD}`,
      `directory ${join(dir, 'db')}`,
      'index objectClass eq',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(SLAPD, ['-f', conf, '-h', `${url}/`, '-d', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const admin = async () => {
    const client = new Client({ url, timeout: 5000, connectTimeout: 2000 });
    await client.bind(ROOT_DN, ROOT_PASSWORD);
    return client;
  };
  let ready = false;
  for (let i = 0; i < 100 && !ready; i += 1) {
    if (child.exitCode !== null) break;
    try {
      const client = await admin();
      await client.unbind();
      ready = true;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (!ready) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`slapd did not start: ${stderr}`);
  }
  const client = await admin();
  await client.add(SUFFIX, { objectClass: ['dcObject', 'organization'], dc: 'corp', o: 'Corp' });
  await client.add(`ou=people,${SUFFIX}`, { objectClass: 'organizationalUnit', ou: 'people' });
  await client.add(`ou=groups,${SUFFIX}`, { objectClass: 'organizationalUnit', ou: 'groups' });
  await client.unbind();
  return {
    url,
    admin,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
