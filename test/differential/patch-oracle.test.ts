/**
 * Differential test of the PATCH engine against npm `scim-patch`, an independent implementation:
 * every comparable fixture case in src/core/patch/*.fixtures.json is run through both, and each
 * disagreement must be documented, with a verdict, in patch-disagreements.json.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { scimPatch } from 'scim-patch';
import type { ScimPatchOperation, ScimResource as OracleResource } from 'scim-patch';
import { FIXTURE_FILES, startingResource, type PatchCase, type PatchFixtures } from '../../src/core/patch/fixture-harness.ts';

/** How the oracle's answer differs from the fixture's (ours). */
type DisagreementKind = 'result' | 'onlyOracleRejects' | 'onlyWeReject';

interface Disagreement {
  readonly fixture: string;
  readonly case: string;
  readonly kind: DisagreementKind;
  /** Top-level keys whose values differ (for `result`), or the oracle's error (for `onlyOracleRejects`). */
  readonly evidence: string;
}

function loadFixtures(name: string): PatchFixtures {
  const url = new URL(`../../src/core/patch/${name}.fixtures.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as PatchFixtures;
}

/** Cases the oracle can be asked about: default mode, no membership deltas (it has neither). */
function comparable(c: PatchCase): boolean {
  return c.options?.strict !== true && c.options?.deltaAttributes === undefined && c.options?.maxOperations === undefined;
}

function runOracle(resource: unknown, c: PatchCase): { result?: unknown; error?: string } {
  try {
    const operations = structuredClone(c.operations) as unknown as ScimPatchOperation[];
    const result = scimPatch(structuredClone(resource) as OracleResource, operations, { mutateDocument: false, treatMissingAsAdd: true });
    return { result };
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

function differingKeys(a: Record<string, unknown>, b: Record<string, unknown>): string {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.filter((key) => !isDeepStrictEqual(a[key], b[key])).sort().join(', ');
}

function compare(fixture: string, c: PatchCase, resource: unknown): Disagreement | undefined {
  const oracle = runOracle(resource, c);
  if (c.error) {
    return oracle.error === undefined ? { fixture, case: c.name, kind: 'onlyWeReject', evidence: 'the oracle applied it' } : undefined;
  }
  if (oracle.error !== undefined) return { fixture, case: c.name, kind: 'onlyOracleRejects', evidence: oracle.error.slice(0, 160) };
  if (isDeepStrictEqual(oracle.result, c.expected)) return undefined;
  const evidence = differingKeys(oracle.result as Record<string, unknown>, c.expected as Record<string, unknown>);
  return { fixture, case: c.name, kind: 'result', evidence };
}

/** Every comparable fixture case and, when the oracle disagrees with it, how. */
function runDifferential(): { compared: number; disagreements: Disagreement[] } {
  let compared = 0;
  const disagreements: Disagreement[] = [];
  for (const fixture of FIXTURE_FILES) {
    const fixtures = loadFixtures(fixture);
    for (const c of fixtures.cases.filter(comparable)) {
      compared += 1;
      const found = compare(fixture, c, startingResource(fixtures, c));
      if (found) disagreements.push(found);
    }
  }
  return { compared, disagreements };
}

interface Documented {
  readonly fixture: string;
  readonly case: string;
  readonly kind: DisagreementKind;
  readonly topic: string;
}

const documented = JSON.parse(readFileSync(new URL('./patch-disagreements.json', import.meta.url), 'utf8')) as {
  readonly topics: Readonly<Record<string, string>>;
  readonly disagreements: readonly Documented[];
};

const key = (d: { fixture: string; case: string; kind: string }): string => `${d.fixture} | ${d.kind} | ${d.case}`;

describe('PATCH engine against npm scim-patch', () => {
  const { compared, disagreements } = runDifferential();

  it('compares a substantial part of the fixture corpus', () => {
    assert.ok(compared >= 150, `only ${compared} cases compared`);
  });

  it('agrees with scim-patch on every case not documented in patch-disagreements.json', () => {
    const known = new Set(documented.disagreements.map(key));
    const undocumented = disagreements.filter((d) => !known.has(key(d))).map((d) => `${key(d)} (${d.evidence})`);
    assert.deepEqual(undocumented, [], 'new disagreements: decide who is right per the RFC and document them');
  });

  it('lists only disagreements that still exist, so the document stays true', () => {
    const found = new Set(disagreements.map(key));
    assert.deepEqual(documented.disagreements.map(key).filter((k) => !found.has(k)), []);
  });

  it('gives every documented disagreement a topic with a verdict', () => {
    for (const d of documented.disagreements) assert.ok(documented.topics[d.topic], `${key(d)} has no verdict`);
  });
});
