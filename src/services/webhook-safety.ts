/**
 * Where webhooks may go. By default only https URLs whose host resolves to public addresses;
 * with `allowPrivate` (SCIMD_WEBHOOK_ALLOW_PRIVATE=true: local development and tests) also http and
 * loopback, private and link-local addresses. The address is checked after DNS resolution and the
 * connection is made to exactly that address, so a name that resolves differently a moment later
 * (DNS rebinding) cannot redirect the request inside the network.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ScimError } from '../core/scim-error.ts';

const BLOCKED = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(net, bits, 'ipv6');
}

/** True for an address on the public internet (not loopback, private, link-local, reserved …). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !BLOCKED.check(address, 'ipv4');
  if (family !== 6) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1] !== undefined) return isPublicAddress(mapped[1]);
  return !BLOCKED.check(address, 'ipv6');
}

export interface WebhookSafety {
  readonly allowPrivate: boolean;
}

/** Checks an endpoint URL when it is registered: 400 with the reason, else the normalised URL. */
export function checkWebhookUrl(value: string, safety: WebhookSafety): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ScimError(400, 'invalidValue', `url "${value}" is not an absolute URL`);
  }
  const allowed = safety.allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!allowed.includes(url.protocol)) {
    throw new ScimError(400, 'invalidValue', `url must use https${safety.allowPrivate ? ' or http' : ' (http is allowed only with SCIMD_WEBHOOK_ALLOW_PRIVATE=true)'}`);
  }
  if (url.username !== '' || url.password !== '') throw new ScimError(400, 'invalidValue', 'url must not contain credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!safety.allowPrivate && (host === 'localhost' || (isIP(host) !== 0 && !isPublicAddress(host)))) {
    throw new ScimError(400, 'invalidValue', `url points to a private or loopback address (${host}); allowed only with SCIMD_WEBHOOK_ALLOW_PRIVATE=true`);
  }
  return url.toString();
}

/** Resolves `host` and returns the first address it may connect to; throws with the reason. */
export async function resolveAllowed(host: string, safety: WebhookSafety): Promise<{ readonly address: string; readonly family: 4 | 6 }> {
  const bare = host.replace(/^\[|\]$/g, '');
  const literal = isIP(bare);
  const candidates = literal !== 0 ? [{ address: bare, family: literal }] : await lookup(bare, { all: true, verbatim: true });
  for (const candidate of candidates) {
    if (safety.allowPrivate || isPublicAddress(candidate.address)) return { address: candidate.address, family: candidate.family === 6 ? 6 : 4 };
  }
  throw new Error(`${bare} resolves only to private or reserved addresses (${candidates.map((c) => c.address).join(', ')})`);
}
