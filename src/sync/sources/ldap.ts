/**
 * LDAP / Active Directory source (ldapts). Entries are read with the Simple Paged Results control.
 * A full read takes every entry under the base DN matching the filter; an incremental read takes
 * the entries changed since the watermark — `modifyTimestamp>=` the newest timestamp seen (the
 * same second is read again: generalizedTime has one-second resolution, and the engine's hash
 * comparison absorbs the repeats) or, for AD, `uSNChanged>=` the highest USN seen plus one. Every
 * read also lists the keys of all entries, so deletions are found by comparison; that listing's
 * DNs resolve group members (`member` DNs) to user keys.
 */
import type { Client, Entry } from 'ldapts';
import type { SourceConfig } from '../config-schema.ts';
import { isSoftDeleted, SourceError, type Source, type SourceObject } from './types.ts';

type LdapConfig = Extract<SourceConfig, { type: 'ldap' }>;

/** A DN in a form that compares equal however it was spelt (case, spaces after commas). */
export function normalizeDn(dn: string): string {
  return dn
    .split(/(?<!\\),/)
    .map((rdn) => rdn.trim().toLowerCase().replace(/\s*=\s*/, '='))
    .join(',');
}

function valueOf(value: Entry[string]): unknown {
  const list = Array.isArray(value) ? value : [value];
  const decoded = list.map((v) => (Buffer.isBuffer(v) ? v.toString('hex') : v));
  return decoded.length === 1 ? decoded[0] : decoded;
}

function attributesOf(entry: Entry): Record<string, unknown> {
  const attributes: Record<string, unknown> = { dn: entry.dn };
  for (const [name, value] of Object.entries(entry)) {
    // ldapts lists requested attributes an entry lacks (and the `*` wildcard) with no values.
    if (name === 'dn' || (Array.isArray(value) && value.length === 0)) continue;
    attributes[name] = valueOf(value);
  }
  return attributes;
}

/** Case-insensitive attribute read (LDAP attribute names are case-insensitive). */
function attribute(attributes: Record<string, unknown>, name: string): unknown {
  if (name in attributes) return attributes[name];
  const lower = name.toLowerCase();
  const key = Object.keys(attributes).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : attributes[key];
}

const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);

/** Escapes a value for an LDAP filter (RFC 4515 §3). */
const escapeFilter = (value: string) => value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** The LDAP source. */
export function createLdapSource(config: LdapConfig): Source {
  const changeAttribute = config.incremental === 'uSNChanged' ? 'uSNChanged' : 'modifyTimestamp';

  async function withClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    // ldapts is loaded by the first LDAP sync, not when the server starts.
    const { Client: LdapClient } = await import('ldapts');
    const client = new LdapClient({ url: config.url, timeout: config.timeoutMs, connectTimeout: config.timeoutMs });
    try {
      if (config.bindDN !== undefined) await client.bind(config.bindDN, config.password ?? '');
      return await fn(client);
    } catch (error) {
      throw new SourceError(`LDAP ${config.url}: ${(error as Error).message}`);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  const search = (client: Client, filter: string, attributes: string[]) =>
    client.search(config.baseDN, { scope: config.scope, filter, attributes, paged: { pageSize: config.pageSize } }).then((r) => r.searchEntries);

  function keyOfEntry(attributes: Record<string, unknown>): string | undefined {
    const key = first(attribute(attributes, config.key));
    return key === undefined || key === null || key === '' ? undefined : String(key);
  }

  return {
    async read(watermark) {
      return withClient(async (client) => {
        const incremental = watermark !== undefined && config.incremental !== 'none';
        const listing = await search(client, config.filter, [config.key]);
        const keys = new Set<string>();
        const byDn = new Map<string, string>();
        for (const entry of listing) {
          const key = keyOfEntry(attributesOf(entry));
          if (key === undefined) continue;
          keys.add(key);
          byDn.set(normalizeDn(entry.dn), key);
        }
        let filter = config.filter;
        if (incremental) {
          const since = changeAttribute === 'uSNChanged' ? String(BigInt(watermark) + 1n) : watermark;
          filter = `(&${config.filter.startsWith('(') ? config.filter : `(${config.filter})`}(${changeAttribute}>=${escapeFilter(since)}))`;
        }
        const entries = await search(client, filter, ['*', changeAttribute]);
        const objects: SourceObject[] = [];
        let newest = watermark;
        for (const entry of entries) {
          const attributes = attributesOf(entry);
          const key = keyOfEntry(attributes);
          if (key === undefined) continue;
          const changed = first(attribute(attributes, changeAttribute));
          if (typeof changed === 'string' && (newest === undefined || compareMarks(changed, newest) > 0)) newest = changed;
          delete attributes[changeAttribute];
          const membersRaw = config.members === undefined ? undefined : attribute(attributes, config.members);
          const members = config.members === undefined ? undefined : membersRaw === undefined ? [] : (Array.isArray(membersRaw) ? membersRaw : [membersRaw]).map(String);
          objects.push({ key, attributes, softDeleted: isSoftDeleted(attributes, config.softDeleted), ...(members === undefined ? {} : { members }) });
        }
        return { objects, keys, full: !incremental, watermark: newest, keyOf: (reference: string) => byDn.get(normalizeDn(reference)) };
      });
    },
    async test() {
      await withClient(async (client) => {
        await client.search(config.baseDN, { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] });
      });
    },
    async close() {},
  };

  function compareMarks(a: string, b: string): number {
    if (changeAttribute === 'uSNChanged') {
      const x = BigInt(a);
      const y = BigInt(b);
      return x > y ? 1 : x < y ? -1 : 0;
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }
}
