import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as core from './index.ts';

describe('the core public surface', () => {
  it('validates, patches, filters and projects an Entra user using only exported functions', () => {
    const schemas = core.userSchemas();
    const user = core.validateResource(
      {
        schemas: [core.URN.user],
        userName: 'bjensen@example.com',
        active: 'True',
        emails: [{ type: 'work', value: 'bjensen@example.com', primary: true }],
        password: 'secret',
      },
      schemas,
    );
    const operations = core.parsePatchRequest({
      schemas: [core.URN.patchOp],
      Operations: [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'babs@example.com' }],
    });
    const patched = core.applyPatch({ ...user, id: 'u1' }, operations, schemas).resource;
    const filter = core.parseFilter('emails[type eq "work"].value eq "BABS@example.com"');
    assert.equal(core.printFilter(filter), 'emails[type eq "work" and value eq "BABS@example.com"]');
    assert.ok(core.matchFilter(filter, patched, schemas));
    const projected = core.project(patched, schemas, { attributes: ['userName'] });
    assert.deepEqual(Object.keys(projected).sort(), ['id', 'schemas', 'userName']);
    assert.equal(core.project(patched, schemas)['password'], undefined);
  });

  it('renders ScimErrors as RFC 7644 §3.12 error bodies', () => {
    let caught: unknown;
    try {
      core.parseFilter('userName equals "x"');
    } catch (error) {
      caught = error;
    }
    assert.ok(core.isScimError(caught));
    const body = core.errorBody(caught);
    assert.equal(body.status, '400');
    assert.equal(body.scimType, 'invalidFilter');
    assert.deepEqual(body.schemas, [core.URN.error]);
  });
});
