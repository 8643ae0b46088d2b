/**
 * A small validator for the JSON Schema subset the admin API's OpenAPI document uses (what zod's
 * generator emits): `$ref` to components, `type` (one or a list), `properties`, `required`,
 * `additionalProperties`, `items`, `enum`, `const`, `anyOf`, `pattern`, `minimum`/`maximum`.
 * Anything else in a schema is refused, so a construct the validator does not understand cannot
 * silently pass. Tests use it to check real responses against the served document itself.
 */

type Schema = Record<string, unknown>;

const KNOWN = new Set(['$ref', 'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'anyOf', 'pattern', 'minimum', 'maximum', 'format', 'description', 'default']);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

const matchesType = (value: unknown, type: string): boolean => typeOf(value) === type || (type === 'number' && typeOf(value) === 'integer');

/** Validates `value` against `schema`; returns the problems found (empty when valid). */
export function validate(value: unknown, schema: Schema, components: Record<string, Schema>, at = '$'): string[] {
  for (const key of Object.keys(schema)) if (!KNOWN.has(key)) return [`${at}: the validator does not support "${key}"`];
  if (typeof schema['$ref'] === 'string') {
    const target = components[schema['$ref'].replace('#/components/schemas/', '')];
    return target ? validate(value, target, components, at) : [`${at}: unresolved $ref ${schema['$ref']}`];
  }
  if (Array.isArray(schema['anyOf'])) {
    const ok = (schema['anyOf'] as Schema[]).some((s) => validate(value, s, components, at).length === 0);
    return ok ? [] : [`${at}: matches none of anyOf`];
  }
  const problems: string[] = [];
  const types = schema['type'] === undefined ? [] : ([] as string[]).concat(schema['type'] as string | string[]);
  if (types.length > 0 && !types.some((t) => matchesType(value, t))) return [`${at}: expected ${types.join('|')}, got ${typeOf(value)}`];
  if (Array.isArray(schema['enum']) && !(schema['enum'] as unknown[]).includes(value)) problems.push(`${at}: ${JSON.stringify(value)} is not in the enum`);
  if ('const' in schema && schema['const'] !== value) problems.push(`${at}: expected the constant ${JSON.stringify(schema['const'])}`);
  if (typeof value === 'string' && typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern'], 'u').test(value)) problems.push(`${at}: does not match the pattern`);
  if (typeof value === 'number') {
    if (typeof schema['minimum'] === 'number' && value < schema['minimum']) problems.push(`${at}: below the minimum`);
    if (typeof schema['maximum'] === 'number' && value > schema['maximum']) problems.push(`${at}: above the maximum`);
  }
  if (Array.isArray(value) && schema['items'] !== undefined) value.forEach((item, i) => problems.push(...validate(item, schema['items'] as Schema, components, `${at}[${i}]`)));
  if (typeOf(value) === 'object') problems.push(...validateObject(value as Record<string, unknown>, schema, components, at));
  return problems;
}

function validateObject(value: Record<string, unknown>, schema: Schema, components: Record<string, Schema>, at: string): string[] {
  const problems: string[] = [];
  const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
  for (const name of (schema['required'] ?? []) as string[]) if (!(name in value)) problems.push(`${at}.${name}: required`);
  for (const [name, item] of Object.entries(value)) {
    const own = properties[name];
    if (own) problems.push(...validate(item, own, components, `${at}.${name}`));
    else if (schema['additionalProperties'] === false) problems.push(`${at}.${name}: not allowed`);
    else if (typeof schema['additionalProperties'] === 'object') problems.push(...validate(item, schema['additionalProperties'] as Schema, components, `${at}.${name}`));
  }
  return problems;
}
