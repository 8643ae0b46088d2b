/**
 * The access log: successes at info, a refused request at warn with the SCIM detail and scimType
 * that were sent, level names instead of pino's numbers, and never a bearer token.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/http/logger.ts';
import { createHarness, type Harness } from './harness.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

let h: Harness;
before(async () => {
  h = await createHarness();
});
after(() => h.close());

const requestLines = () => h.logs.filter((l) => l['msg'] === 'request');

describe('the access log', () => {
  it('logs a success at info with the level name', async () => {
    h.logs.length = 0;
    const created = await h.call('POST', '/Users', { body: { schemas: [USER], userName: 'ann@example.com' } });
    assert.equal(created.status, 201);
    const [line] = requestLines();
    assert.deepEqual([line?.['level'], line?.['status'], line?.['method']], ['info', 201, 'POST']);
    assert.equal(line?.['detail'], undefined);
  });

  it('logs a refused request at warn with the detail and scimType the client received', async () => {
    h.logs.length = 0;
    const conflict = await h.call('POST', '/Users', { body: { schemas: [USER], userName: 'ann@example.com' } });
    assert.equal(conflict.status, 409);
    const badFilter = await h.call('GET', '/Users?filter=userName%20eq');
    assert.equal(badFilter.status, 400);
    const [first, second] = requestLines();
    assert.deepEqual([first?.['level'], first?.['status'], first?.['scimType'], first?.['detail']], ['warn', 409, 'uniqueness', conflict.json.detail]);
    assert.deepEqual([second?.['level'], second?.['scimType'], second?.['detail']], ['warn', 'invalidFilter', badFilter.json.detail]);
  });

  it('logs an unknown key at warn without the token it presented', async () => {
    h.logs.length = 0;
    const bogus = 'scimd_deadbeef_' + 'x'.repeat(40);
    const refused = await h.call('GET', '/Users', { token: bogus });
    assert.equal(refused.status, 401);
    assert.equal(requestLines()[0]?.['level'], 'warn');
    assert.ok(!JSON.stringify(h.logs).includes(bogus.slice(15)));
  });

  it('never writes the bearer token of any request', async () => {
    await h.call('GET', '/Users?filter=userName%20eq%20%22ann@example.com%22');
    await h.call('GET', '/Users/does-not-exist');
    const all = JSON.stringify(h.logs);
    assert.ok(!all.includes(h.token), 'the whole token');
    assert.ok(!all.includes(h.token.slice(15)), 'the secret part of the token');
  });
});

describe('the logger', () => {
  it('redacts authorization headers, tokens, secrets and passwords whatever the caller logs', () => {
    let out = '';
    const sink = new Writable({ write: (chunk, _e, done) => ((out += String(chunk)), done()) });
    const log = createLogger({ destination: sink });
    log.info({ headers: { authorization: 'Bearer scimd_abcdef12_topsecret' }, token: 'tok-1', body: { secret: 's-2', password: 'p-3' } }, 'careless caller');
    for (const secret of ['topsecret', 'tok-1', 's-2', 'p-3']) assert.ok(!out.includes(secret), secret);
    assert.match(out, /"level":"info"/);
    assert.match(out, /\[redacted\]/);
  });

  it('prints readable lines in the pretty format, redacted the same way', () => {
    let out = '';
    const sink = new Writable({ write: (chunk, _e, done) => ((out += String(chunk)), done()) });
    const log = createLogger({ destination: sink, format: 'pretty' });
    log.warn({ method: 'POST', path: '/scim/v2/Users', status: 409, durationMs: 2.5, scimType: 'uniqueness', detail: 'userName "ann" is taken', token: 'tok-9' }, 'request');
    assert.match(out, /^\d\d:\d\d:\d\d\.\d{3} WARN {2}POST \/scim\/v2\/Users 409 2.5ms .*scimType=uniqueness detail="userName \\"ann\\" is taken"/);
    assert.ok(!out.includes('tok-9'));
    assert.doesNotMatch(out, /^\{/, 'not JSON');
  });
});
