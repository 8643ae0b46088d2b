import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ScimError } from '../scim-error.ts';
import { parseListQuery, parseSearchRequest } from './search-request.ts';
import type { ListQueryOptions } from './search-request.ts';

interface Case {
  readonly name: string;
  readonly options?: ListQueryOptions;
  readonly params?: Record<string, string>;
  readonly body?: unknown;
  readonly expected?: unknown;
  readonly error?: { readonly status: number; readonly scimType: string; readonly detail: string };
}

const fixtures = JSON.parse(readFileSync(new URL('./search-request.fixtures.json', import.meta.url), 'utf8')) as Record<
  'query' | 'queryErrors' | 'body' | 'bodyErrors',
  Case[]
>;

function throwsScim(fn: () => unknown, expected: Case['error']): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ScimError);
    assert.deepEqual({ status: error.status, scimType: error.scimType, detail: error.detail }, expected);
    return true;
  });
}

describe('parseListQuery', () => {
  for (const c of fixtures.query) it(c.name, () => assert.deepEqual(parseListQuery(c.params ?? {}, c.options), c.expected));
  for (const c of fixtures.queryErrors) it(c.name, () => throwsScim(() => parseListQuery(c.params ?? {}, c.options), c.error));
});

describe('parseSearchRequest', () => {
  for (const c of fixtures.body) it(c.name, () => assert.deepEqual(parseSearchRequest(c.body, c.options), c.expected));
  for (const c of fixtures.bodyErrors) it(c.name, () => throwsScim(() => parseSearchRequest(c.body, c.options), c.error));
});
