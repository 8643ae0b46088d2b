/**
 * A user created without `active` is active everywhere: in the response, in `active eq true`
 * filters, after a PUT that leaves it out and after a PATCH that removes it. An explicit false stays.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness } from './harness.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

let h: Harness;
before(async () => {
  h = await createHarness();
});
after(() => h.close());

const filter = async (expression: string): Promise<string[]> => {
  const page = await h.call('GET', `/Users?filter=${encodeURIComponent(expression)}`);
  assert.equal(page.status, 200);
  return (page.json.Resources as { userName: string }[]).map((u) => u.userName).sort();
};

describe('an absent active means active', () => {
  it('returns active true for a user created without it, as Entra and Okta create them', async () => {
    const created = await h.call('POST', '/Users', { body: { schemas: [USER], userName: 'entra@example.com' } });
    assert.equal(created.status, 201);
    assert.equal(created.json.active, true);
    const read = await h.call('GET', `/Users/${created.json.id}`);
    assert.equal(read.json.active, true);
  });

  it('matches such a user with active eq true and not with active eq false', async () => {
    await h.call('POST', '/Users', { body: { schemas: [USER], userName: 'off@example.com', active: false } });
    assert.deepEqual(await filter('active eq true'), ['entra@example.com']);
    assert.deepEqual(await filter('active eq false'), ['off@example.com']);
    assert.deepEqual(await filter('active pr'), ['entra@example.com', 'off@example.com']);
  });

  it('keeps a user active when a PUT leaves active out or a PATCH removes it', async () => {
    const created = await h.call('POST', '/Users', { body: { schemas: [USER], userName: 'put@example.com', active: true } });
    const replaced = await h.call('PUT', `/Users/${created.json.id}`, { body: { schemas: [USER], userName: 'put@example.com' } });
    assert.equal(replaced.json.active, true);
    const patched = await h.call('PATCH', `/Users/${created.json.id}`, { body: { schemas: [PATCH], Operations: [{ op: 'remove', path: 'active' }] } });
    assert.equal(patched.status, 200);
    assert.equal(patched.json.active, true);
    const off = await h.call('PATCH', `/Users/${created.json.id}`, { body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] } });
    assert.equal(off.json.active, false);
  });
});
