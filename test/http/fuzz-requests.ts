/**
 * HTTP fuzzing of the SCIM API (docs/reliability.md): fast-check generates requests — filters,
 * paging and projection parameters, resource bodies, PATCH operations, Bulk, .search, headers,
 * paths and ids, raw bodies in odd encodings — laced with NUL characters, lone surrogates, huge
 * numbers, deep nesting and long strings, and sends them through `app.request()` of a harness. The
 * property: no 5xx, and every error is a SCIM error body whose `status` matches the HTTP status.
 */
import fc from 'fast-check';
import type { CallOptions, CallResult, Harness } from './harness.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** A request as the fuzzer sends it. */
export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly options: CallOptions;
}

/** Ids the generated requests may refer to (a real user and group, plus nonsense). */
export interface FuzzTargets {
  readonly userId: string;
  readonly groupId: string;
}

const SPECIALS = [
  '\u0000', 'a\u0000b', 'a\ud800b', '\udfff', '\ud83d', '\ud83d\ude00', 'é', 'İ', '\u202e', '\ufeff', '\r\n', '"', '\\', '\'', '%00', '%', '../', '..%2f',
  '99999999999999999999', '9007199254740993', '-1', '0', '1e400', 'NaN', 'true', 'null', '[]', '{}', ' ', '',
  'x'.repeat(3000), 'é'.repeat(1500), '\u0000'.repeat(100),
];
const ATTRIBUTES = [
  'userName', 'displayName', 'externalId', 'active', 'emails', 'emails.value', 'emails[type eq "work"].value', 'name', 'name.givenName',
  'name.familyName', 'title', 'nickName', 'userType', 'members', 'members.value', 'groups', 'id', 'meta', 'meta.lastModified', 'password',
  'phoneNumbers', 'roles', 'x509Certificates', `${ENTERPRISE}:manager`, `${ENTERPRISE}:employeeNumber`, 'urn:bogus:x', 'a.b.c', '',
];
const OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'EQ', 'and', 'or', 'not', 'xx'];

/** Strings: arbitrary UTF-16 units (lone surrogates included), full Unicode, and the special cases. */
const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIALS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 20 }) },
  { weight: 1, arbitrary: fc.nat({ max: 20_000 }).map((n) => 'y'.repeat(n)) },
);

const number: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 53 + 2, 1e20, -1e20, 1e300, -0, 0.5, Number.MAX_SAFE_INTEGER),
);

/** JSON values with weird leaves, nested a few levels. */
const json: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    number,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...ATTRIBUTES), text), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Percent-encodes text as UTF-8 (lone surrogates become U+FFFD), or sends raw percent escapes. */
const pathPart: fc.Arbitrary<string> = fc.oneof(
  text.map((t) => encodeURIComponent(t.replace(/[\ud800-\udfff]/g, '\ufffd'))),
  fc.uint8Array({ maxLength: 12 }).map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
  fc.constantFrom('%00', '%ED%A0%80', '%C0%AF', '%2e%2e', '.search', '..', '%', '%zz'),
);
const query = (t: string): string => encodeURIComponent(t.replace(/[\ud800-\udfff]/g, '\ufffd'));

const filter: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom(...ATTRIBUTES), fc.constantFrom(...OPERATORS), json).map(([a, o, v]) => `${a} ${o} ${JSON.stringify(v) ?? 'null'}`),
  fc.tuple(fc.constantFrom(...ATTRIBUTES), fc.constantFrom(...OPERATORS), text).map(([a, o, v]) => `${a} ${o} "${v}"`),
  fc.array(fc.constantFrom(...ATTRIBUTES, ...OPERATORS, '(', ')', '[', ']', '"x"', '42', 'true', 'null', '\\u0000'), { maxLength: 12 }).map((t) => t.join(' ')),
  fc.nat({ max: 40 }).map((n) => `${'not ('.repeat(n)}userName eq "a"${')'.repeat(n)}`),
  text,
);

const headers: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    'If-Match': fc.oneof(fc.constantFrom('*', 'W/"1"', 'W/"99999999999999999999"', '"1"', 'W/"-1"', 'W/""', 'garbage'), fc.string({ unit: 'binary-ascii', maxLength: 20 })),
    'If-None-Match': fc.constantFrom('*', 'W/"1"', 'W/"x"'),
    'Content-Type': fc.constantFrom('application/scim+json', 'application/json; charset=utf-16', 'text/plain', 'application/scim+json; charset=latin1', ''),
    Accept: fc.constantFrom('application/scim+json', 'text/html', '*/*', 'application/xml'),
    'Accept-Encoding': fc.constantFrom('gzip', 'br', 'identity', 'gzip;q=0'),
    'X-Request-Id': fc.string({ unit: 'binary-ascii', maxLength: 200 }),
  },
  { requiredKeys: [] },
).map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => /^[\t\x20-\x7e]*$/.test(v))));

let serial = 0;
const resource = (schema: string, required: string): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.dictionary(fc.constantFrom(...ATTRIBUTES), json, { maxKeys: 6 }).map((extra) => ({ schemas: [schema], [required]: `fuzz-${(serial += 1)}`, ...extra })),
    fc.record({ schemas: fc.oneof(fc.constant([schema]), json), [required]: json }, { requiredKeys: [] }),
    json,
  );

const operation: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ op: fc.constantFrom('add', 'replace', 'remove', 'Add', 'Replace', 'Remove', 'move', ''), path: fc.oneof(fc.constantFrom(...ATTRIBUTES), filter.map((f) => `members[${f}]`), text), value: json }, { requiredKeys: ['op'] }),
  json,
);
const patchBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.array(operation, { maxLength: 5 }).map((Operations) => ({ schemas: [PATCH], Operations })),
  fc.record({ schemas: json, Operations: json }, { requiredKeys: [] }),
);

/** A body sent as bytes: deep nesting, invalid UTF-8, UTF-16, a BOM, truncated JSON. */
const rawBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.nat({ max: 100_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.nat({ max: 50_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
  fc.uint8Array({ maxLength: 200 }),
  json.map((v) => new Uint8Array(Buffer.from(JSON.stringify(v) ?? 'null', 'utf16le'))),
  json.map((v) => `\ufeff${JSON.stringify(v) ?? ''}`),
  json.map((v) => (JSON.stringify(v) ?? '').slice(0, -1)),
);

/** Every kind of request the fuzzer sends, against the harness's resources. */
export function fuzzRequest(targets: FuzzTargets): fc.Arbitrary<FuzzRequest> {
  const id = fc.oneof(fc.constantFrom(targets.userId, targets.groupId), pathPart);
  const type = fc.constantFrom('Users', 'Groups');
  return fc.oneof(
    fc.tuple(type, filter).map(([t, f]) => ({ method: 'GET', path: `/${t}?filter=${query(f)}`, options: {} })),
    fc
      .record({ startIndex: text, count: text, attributes: text, excludedAttributes: text, sortBy: fc.constantFrom(...ATTRIBUTES), sortOrder: text, cursor: text }, { requiredKeys: [] })
      .chain((params) => type.map((t) => ({ method: 'GET', path: `/${t}?${Object.entries(params).map(([k, v]) => `${k}=${query(v)}`).join('&')}`, options: {} }))),
    fc.tuple(type, json, fc.constantFrom('/.search', '')).map(([t, body, suffix]) => ({ method: 'POST', path: `/${t}${suffix === '' ? '/.search' : suffix}`, options: { body: typeof body === 'object' && body !== null && !Array.isArray(body) ? { schemas: [SEARCH], ...body } : body } })),
    fc.record({ filter, startIndex: number, count: number }, { requiredKeys: [] }).map((body) => ({ method: 'POST', path: '/.search', options: { body: { schemas: [SEARCH], ...body } } })),
    resource(USER, 'userName').map((body) => ({ method: 'POST', path: '/Users', options: { body } })),
    resource(GROUP, 'displayName').map((body) => ({ method: 'POST', path: '/Groups', options: { body } })),
    fc.tuple(resource(USER, 'userName'), headers).map(([body, h]) => ({ method: 'PUT', path: `/Users/${targets.userId}`, options: { body, headers: h } })),
    fc.tuple(type, id, patchBody, headers).map(([t, i, body, h]) => ({ method: 'PATCH', path: `/${t}/${i}`, options: { body, headers: h } })),
    fc.tuple(fc.constantFrom('GET', 'DELETE', 'PUT', 'PATCH', 'POST', 'HEAD', 'OPTIONS'), type, id, headers).map(([m, t, i, h]) => {
      // A HEAD answer has no body to gunzip: the harness reads bodies, so HEAD goes uncompressed.
      const { 'Accept-Encoding': _encoding, ...plain } = h;
      return { method: m, path: `/${t}/${i}`, options: { headers: m === 'HEAD' ? plain : h } };
    }),
    fc.tuple(fc.constantFrom('GET', 'POST'), fc.array(pathPart, { minLength: 1, maxLength: 4 })).map(([m, parts]) => ({ method: m, path: `/${parts.join('/')}`, options: {} })),
    fc
      .array(fc.record({ method: fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'GET', 'x'), path: fc.oneof(fc.constantFrom('/Users', '/Groups', `/Users/${targets.userId}`, `/Groups/${targets.groupId}`, '/Users/bulkId:a'), text), bulkId: text, data: fc.oneof(json, patchBody) }, { requiredKeys: ['method'] }), { maxLength: 5 })
      .map((Operations) => ({ method: 'POST', path: '/Bulk', options: { body: { schemas: [BULK], Operations, failOnErrors: 1 } } })),
    fc.tuple(fc.constantFrom('POST /Users', 'PATCH /Users/u', 'POST /Bulk', 'POST /.search', `PUT /Groups/${targets.groupId}`), rawBody, headers).map(([target, raw, h]) => {
      const [method, path] = target.split(' ') as [string, string];
      return { method, path: path.replace('/u', `/${targets.userId}`), options: { rawBody: raw, headers: h } };
    }),
    fc.tuple(type, fc.string({ unit: 'binary-ascii', maxLength: 120 })).map(([t, token]) => ({ method: 'GET', path: `/${t}`, options: { token: token.replace(/[^\x20-\x7e]/g, '') } })),
  );
}

/** Why a response breaks the property, or `undefined` when it holds. */
export function violation(request: FuzzRequest, result: CallResult): string | undefined {
  const where = `${request.method} ${request.path.slice(0, 200)}`;
  if (result.status >= 500) return `${where} answered ${result.status}: ${result.text.slice(0, 300)}`;
  if (result.status < 400 || request.method === 'HEAD') return undefined;
  const body = result.json as { schemas?: unknown; status?: unknown } | undefined;
  if (!body || !Array.isArray(body.schemas) || !body.schemas.includes(ERROR)) return `${where} answered ${result.status} without a SCIM error body: ${result.text.slice(0, 200)}`;
  if (body.status !== String(result.status)) return `${where}: body status ${String(body.status)} differs from ${result.status}`;
  return undefined;
}

/** Sends one request and checks it; a thrown error (not a response) is also a violation. */
export async function sendAndCheck(h: Harness, request: FuzzRequest): Promise<string | undefined> {
  let result: CallResult;
  try {
    result = await h.call(request.method, request.path, { ...request.options, noise: true });
  } catch (error) {
    // A response whose body is not JSON makes the harness's JSON.parse throw: also a finding.
    return `${request.method} ${request.path.slice(0, 200)} threw ${error instanceof Error ? error.message : String(error)}`;
  }
  return violation(request, result);
}
