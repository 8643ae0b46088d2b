import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { GZIP_THRESHOLD_BYTES, acceptsGzip, scimResponse } from './respond.ts';
import { mediaTypeOf } from './body.ts';

describe('SCIM responses', () => {
  it('reads Accept-Encoding with qualities', () => {
    assert.equal(acceptsGzip('gzip,deflate'), true);
    assert.equal(acceptsGzip('deflate, gzip;q=0'), false);
    assert.equal(acceptsGzip('*;q=0.5'), true);
    assert.equal(acceptsGzip('br'), false);
    assert.equal(acceptsGzip(undefined), false);
  });

  it('compresses only bodies at or above the threshold, with an exact Content-Length', async () => {
    const big = { text: 'x'.repeat(GZIP_THRESHOLD_BYTES) };
    const zipped = scimResponse({ status: 200, body: big, acceptEncoding: 'gzip' });
    assert.equal(zipped.headers.get('content-encoding'), 'gzip');
    const bytes = Buffer.from(await zipped.arrayBuffer());
    assert.equal(Number(zipped.headers.get('content-length')), bytes.byteLength);
    assert.deepEqual(JSON.parse(gunzipSync(bytes).toString()), big);
    const small = scimResponse({ status: 200, body: { a: 'é' }, acceptEncoding: 'gzip' });
    assert.equal(small.headers.get('content-encoding'), null);
    assert.equal(small.headers.get('content-length'), String(Buffer.byteLength('{"a":"é"}')));
    assert.equal(small.headers.get('content-type'), 'application/scim+json; charset=utf-8');
  });

  it('extracts the bare media type of a Content-Type header', () => {
    assert.equal(mediaTypeOf('Application/SCIM+JSON; charset=utf-8'), 'application/scim+json');
    assert.equal(mediaTypeOf(undefined), undefined);
    assert.equal(mediaTypeOf(' ;x'), undefined);
  });
});
