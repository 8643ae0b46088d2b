/**
 * The default view of a stored resource (RFC 7644 §3.9 with neither `attributes` nor
 * `excludedAttributes`) spliced from the resource's JSON text, without parsing, projecting and
 * serialising it again. It answers only when it can show that `project` would change nothing but
 * the order of the extension blocks, and the caller's additions (`meta.location`, a computed
 * attribute such as a user's `groups`); otherwise it returns `undefined` and the caller projects.
 *
 * What `project` does to a resource with the default request, and how each case is recognised in
 * the text (any doubt means `undefined`):
 * - drops attributes, sub-attributes and extension attributes that are `returned: never` or
 *   `request` → such attributes must not be present (an attribute is "opaque" when it or any of
 *   its sub-attributes is returned otherwise than `default`/`always`);
 * - drops empty objects and arrays → the text must hold no `{}` and no `[]` outside strings;
 * - drops extension URNs from `schemas` whose block is missing → done here as well;
 * - moves extension blocks after the core attributes → done here as well;
 * - loses members named `__proto__` (copied by assignment) → no such key may appear.
 */
import { COMMON_ATTRIBUTES } from '../schema/common.ts';
import type { AttributeDefinition, ResourceSchemas } from '../schema/types.ts';

/** What the response adds to the stored resource. */
export interface StoredViewAdditions {
  /** `meta.location` (RFC 7643 §3.1). */
  readonly location: string;
  /** A computed attribute appended to the resource before projection (a user's `groups`), as JSON text. */
  readonly computed?: { readonly name: string; readonly json: string };
}

interface Plan {
  /** Lower-case names of core and common attributes that projection may change. */
  readonly opaqueCore: ReadonlySet<string>;
  /** Lower-case extension ids → whether every attribute of the extension is transparent. */
  readonly extensions: ReadonlyMap<string, boolean>;
}

const shown = (a: AttributeDefinition): boolean => a.returned === 'default' || a.returned === 'always';
const transparent = (a: AttributeDefinition): boolean => shown(a) && (a.subAttributes ?? []).every(shown);

function compilePlan(schemas: ResourceSchemas): Plan {
  const opaqueCore = new Set<string>();
  const seen = new Set<string>();
  // `project` looks attributes up with `find`, so the first definition of a name decides.
  for (const attribute of [...COMMON_ATTRIBUTES, ...schemas.core.attributes]) {
    const name = attribute.name.toLowerCase();
    if (seen.has(name)) continue;
    seen.add(name);
    if (!transparent(attribute)) opaqueCore.add(name);
  }
  const extensions = new Map(schemas.extensions.map((s) => [s.id.toLowerCase(), s.attributes.every(transparent)]));
  return { opaqueCore, extensions };
}

const plans = new WeakMap<ResourceSchemas, Plan>();

function planOf(schemas: ResourceSchemas): Plan {
  let plan = plans.get(schemas);
  if (plan === undefined) plans.set(schemas, (plan = compilePlan(schemas)));
  return plan;
}

const QUOTE = 34; // "
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const COLON = 58;
const SPACE = 32;

/** The index just past the string starting at `at` (a quote), or -1. */
function skipString(text: string, at: number): number {
  let end = text.indexOf('"', at + 1);
  while (end > 0) {
    let slashes = 0;
    for (let i = end - 1; text.charCodeAt(i) === BACKSLASH; i -= 1) slashes += 1;
    if (slashes % 2 === 0) return end + 1;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

/**
 * The index just past the JSON value starting at `at`, or -1 when the value holds an empty object
 * or array anywhere, or is not compact JSON.
 */
function skipValue(text: string, at: number): number {
  let depth = 0;
  let i = at;
  for (;;) {
    const c = text.charCodeAt(i);
    if (Number.isNaN(c)) return -1;
    if (c === QUOTE) {
      i = skipString(text, i);
      if (i < 0) return -1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const next = text.charCodeAt(i + 1);
      if (next === CLOSE_BRACE || next === CLOSE_BRACKET) return -1;
      depth += 1;
      i += 1;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === 0) return i;
      depth -= 1;
      i += 1;
    } else if (c === COMMA && depth === 0) {
      return i;
    } else if (c <= SPACE) {
      return -1; // not compact: an empty container could hide behind whitespace
    } else {
      i += 1;
    }
    if (depth === 0 && (text.charCodeAt(i) === COMMA || text.charCodeAt(i) === CLOSE_BRACE)) return i;
  }
}

interface Member {
  readonly key: string;
  /** From the key's opening quote to the end of the value. */
  readonly start: number;
  readonly valueStart: number;
  readonly end: number;
}

/** The top-level members of a compact JSON object, or undefined. */
function membersOf(text: string): Member[] | undefined {
  if (text.charCodeAt(0) !== OPEN_BRACE) return undefined;
  const members: Member[] = [];
  let i = 1;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return undefined;
    const keyEnd = skipString(text, i);
    if (keyEnd < 0 || text.charCodeAt(keyEnd) !== COLON) return undefined;
    const key = text.slice(i + 1, keyEnd - 1);
    if (key.includes('\\')) return undefined;
    const end = skipValue(text, keyEnd + 1);
    if (end < 0) return undefined;
    members.push({ key, start: i, valueStart: keyEnd + 1, end });
    if (text.charCodeAt(end) === CLOSE_BRACE) return end === text.length - 1 ? members : undefined;
    i = end + 1;
  }
}

/**
 * The `schemas` member as projection leaves it: extension URNs without their block dropped (what
 * Entra sends: the enterprise URN listed, no enterprise attributes).
 */
function schemasMember(text: string, member: Member, plan: Plan, blocks: ReadonlySet<string>): string {
  const listed: unknown = JSON.parse(text.slice(member.valueStart, member.end));
  if (!Array.isArray(listed)) return text.slice(member.start, member.end);
  const kept = listed.filter((uri) => typeof uri !== 'string' || !plan.extensions.has(uri.toLowerCase()) || blocks.has(uri.toLowerCase()));
  return kept.length === listed.length ? text.slice(member.start, member.end) : `"schemas":${JSON.stringify(kept)}`;
}

/**
 * The JSON text `JSON.stringify(project(resource + additions, schemas, {}))` would give for the
 * resource stored as `text` (compact JSON, as `JSON.stringify` wrote it), or `undefined` when the
 * text cannot be shown to need no projection.
 */
export function spliceDefaultView(text: string, schemas: ResourceSchemas, additions: StoredViewAdditions): string | undefined {
  // Projection copies members by assignment, which turns a `__proto__` key into a prototype.
  if (text.includes('"__proto__":')) return undefined;
  const members = membersOf(text);
  if (members === undefined) return undefined;
  const plan = planOf(schemas);
  const computed = additions.computed;
  if (computed !== undefined && (plan.opaqueCore.has(computed.name.toLowerCase()) || computed.json === '[]' || computed.json === '{}')) return undefined;
  const core: string[] = [];
  const blocks: string[] = [];
  const blockIds = new Set<string>();
  let listed: { readonly member: Member; readonly at: number } | undefined;
  let sawMeta = false;
  for (const member of members) {
    const { key } = member;
    const lower = key.toLowerCase();
    const extension = plan.extensions.get(lower);
    if (extension !== undefined) {
      if (!extension || text.charCodeAt(member.valueStart) !== OPEN_BRACE) return undefined;
      blocks.push(text.slice(member.start, member.end));
      blockIds.add(lower);
      continue;
    }
    if (plan.opaqueCore.has(lower) || (computed !== undefined && lower === computed.name.toLowerCase())) return undefined;
    if (lower === 'meta') {
      // `present` sets `location` on the member named exactly `meta`, which must be an object without one.
      if (key !== 'meta' || text.charCodeAt(member.valueStart) !== OPEN_BRACE) return undefined;
      const body = text.slice(member.start, member.end - 1);
      if (body.includes('"location"')) return undefined;
      core.push(`${body},"location":${JSON.stringify(additions.location)}}`);
      sawMeta = true;
      continue;
    }
    if (key === 'schemas') listed = { member, at: core.length };
    core.push(text.slice(member.start, member.end));
  }
  if (!sawMeta) return undefined;
  if (listed !== undefined) core[listed.at] = schemasMember(text, listed.member, plan, blockIds);
  if (computed !== undefined) core.push(`${JSON.stringify(computed.name)}:${computed.json}`);
  return `{${[...core, ...blocks].join(',')}}`;
}
