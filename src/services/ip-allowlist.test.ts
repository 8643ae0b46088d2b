import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileAllowlist, createAllowlistCache, normalizeAddress } from './ip-allowlist.ts';

describe('IP allow-lists', () => {
  it('matches IPv4 and IPv6 CIDRs and bare addresses', () => {
    const list = compileAllowlist(['10.0.0.0/8', '2001:db8::/48', '192.0.2.1']);
    assert.equal(list.allows('10.255.0.1'), true);
    assert.equal(list.allows('11.0.0.1'), false);
    assert.equal(list.allows('2001:db8:0:1::1'), true);
    assert.equal(list.allows('2001:db8:1::1'), false);
    assert.equal(list.allows('192.0.2.1'), true);
    assert.equal(list.allows('192.0.2.2'), false);
  });

  it('treats IPv4-mapped IPv6 peers as IPv4 and rejects garbage', () => {
    const list = compileAllowlist(['10.0.0.0/8']);
    assert.equal(list.allows('::ffff:10.1.2.3'), true);
    assert.equal(list.allows('not-an-ip'), false);
    assert.equal(normalizeAddress('fe80::1%eth0'), 'fe80::1');
  });

  it('rejects entries that are not addresses or have a bad prefix', () => {
    assert.throws(() => compileAllowlist(['10.0.0.0/33']), RangeError);
    assert.throws(() => compileAllowlist(['example.com']), RangeError);
  });

  it('caches compiled lists by their text', () => {
    const cached = createAllowlistCache(2);
    const first = cached(['10.0.0.0/8']);
    assert.equal(cached(['10.0.0.0/8']), first);
  });
});
