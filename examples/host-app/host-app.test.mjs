// The example receiver against the Standard Webhooks reference library: messages the library
// signs verify here, tampered or stale ones do not, and the users table follows the events —
// including duplicates and out-of-order replays.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { applyEvent, createHostApp, verifySignature } from './app.mjs';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const signer = new Webhook(SECRET);

function signed(event, at = new Date()) {
  const body = JSON.stringify(event);
  const timestamp = Math.floor(at.getTime() / 1000);
  return { body, headers: { 'webhook-id': event.id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signer.sign(event.id, at, body) } };
}

let n = 0;
const userEvent = (type, sequence, resource) => ({
  specversion: '1.0', id: `evt-${++n}`, source: '/organizations/o1', type, subject: resource.id, time: new Date().toISOString(),
  datacontenttype: 'application/json', sequence: String(sequence).padStart(16, '0'), data: { resource, changed: [] },
});

describe('the example host app', () => {
  let app;
  let url;
  before(async () => {
    app = createHostApp({ secret: SECRET });
    await new Promise((resolve) => app.server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${app.server.address().port}/webhooks/scimd`;
  });
  after(() => new Promise((resolve) => app.server.close(resolve)));

  const post = (message) => fetch(url, { method: 'POST', headers: { ...message.headers, 'content-type': 'application/json' }, body: message.body });

  it('verifies what the reference library signs and rejects a tampered body or an old timestamp', () => {
    const message = signed(userEvent('scimd.user.created', 1, { id: 'u1', userName: 'a@b.c' }));
    assert.equal(verifySignature(SECRET, message.headers, message.body), true);
    assert.equal(verifySignature(SECRET, message.headers, message.body.replace('a@b.c', 'x@b.c')), false);
    const old = signed(userEvent('scimd.user.created', 1, { id: 'u1' }), new Date(Date.now() - 10 * 60_000));
    assert.equal(verifySignature(SECRET, old.headers, old.body), false);
    // And what this app's algorithm would sign, the library verifies.
    assert.doesNotThrow(() => signer.verify(message.body, message.headers));
  });

  it('keeps its users table in step, ignoring duplicates and stale events', async () => {
    const created = signed(userEvent('scimd.user.created', 10, { id: 'u2', userName: 'kim@acme.test', active: true, emails: [{ value: 'kim@acme.test', primary: true }] }));
    assert.equal((await post(created)).status, 204);
    assert.equal((await post(created)).status, 204, 'a duplicate is acknowledged and not applied twice');
    const deactivated = userEvent('scimd.user.deactivated', 12, { id: 'u2', userName: 'kim@acme.test', active: false });
    assert.equal((await post(signed(deactivated))).status, 204);
    assert.deepEqual(app.tables.users.get('u2'), { id: 'u2', userName: 'kim@acme.test', displayName: null, email: null, active: false, sequence: 12 });
    const staleUpdate = userEvent('scimd.user.updated', 11, { id: 'u2', userName: 'old@acme.test', active: true });
    await post(signed(staleUpdate));
    assert.equal(app.tables.users.get('u2').active, false, 'an older event does not overwrite newer state');
    await post(signed(userEvent('scimd.user.deleted', 13, { id: 'u2' })));
    assert.equal(app.tables.users.has('u2'), false);
    const forged = signed(userEvent('scimd.user.created', 20, { id: 'u3', userName: 'evil' }));
    forged.headers['webhook-signature'] = 'v1,' + Buffer.alloc(32).toString('base64');
    assert.equal((await post(forged)).status, 401);
    assert.equal(app.tables.users.has('u3'), false);
  });

  it('tracks group members from one event per PATCH', () => {
    const tables = { users: new Map(), groupMembers: new Map(), lastSequence: new Map(), seenIds: new Set() };
    applyEvent(tables, { type: 'scimd.group.members.added', subject: 'g1', sequence: '1', data: { members: ['a', 'b'] } });
    applyEvent(tables, { type: 'scimd.group.members.removed', subject: 'g1', sequence: '2', data: { members: ['a'] } });
    assert.deepEqual([...tables.groupMembers.get('g1')], ['b']);
  });
});
