/**
 * Per-key IP allow-lists (DESIGN.md §3): CIDRs in IPv4 or IPv6 notation, checked with node:net's
 * BlockList. Compiled lists are cached by their text, so a request costs one lookup.
 */
import { BlockList, isIP } from 'node:net';

export interface IpAllowlist {
  /** True when `address` falls inside one of the CIDRs. */
  allows(address: string): boolean;
}

/** Strips an IPv4-mapped IPv6 prefix (`::ffff:10.0.0.1` → `10.0.0.1`) and an IPv6 zone. */
export function normalizeAddress(address: string): string {
  const bare = address.trim().replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(bare);
  return mapped?.[1] ?? bare;
}

function addEntry(list: BlockList, entry: string): void {
  const [rawAddress = '', rawPrefix] = entry.trim().split('/');
  const address = normalizeAddress(rawAddress);
  const family = isIP(address);
  if (family === 0) throw new RangeError(`"${entry}" is not an IP address or CIDR`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const max = family === 4 ? 32 : 128;
  const prefix = rawPrefix === undefined ? max : Number(rawPrefix);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new RangeError(`"${entry}" has an invalid prefix length`);
  list.addSubnet(address, prefix, type);
}

/** Compiles CIDRs into an allow-list; throws RangeError for an entry that is not a CIDR or address. */
export function compileAllowlist(cidrs: readonly string[]): IpAllowlist {
  const list = new BlockList();
  for (const entry of cidrs) addEntry(list, entry);
  return {
    allows(address) {
      const normalized = normalizeAddress(address);
      const family = isIP(normalized);
      if (family === 0) return false;
      if (list.check(normalized, family === 4 ? 'ipv4' : 'ipv6')) return true;
      // An IPv4 caller may also be listed in IPv4-mapped IPv6 form, and vice versa.
      return family === 4 && list.check(`::ffff:${normalized}`, 'ipv6');
    },
  };
}

/** Caches compiled allow-lists by their text (bounded, oldest dropped first). */
export function createAllowlistCache(maxEntries = 1000): (cidrs: readonly string[]) => IpAllowlist {
  const cache = new Map<string, IpAllowlist>();
  return (cidrs) => {
    const key = cidrs.join(',');
    let compiled = cache.get(key);
    if (!compiled) {
      compiled = compileAllowlist(cidrs);
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
      cache.set(key, compiled);
    }
    return compiled;
  };
}
