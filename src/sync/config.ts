/**
 * Reads a sync job configuration: JSON with comments (JSONC) or plain JSON, validated with zod and
 * then checked further (expressions compile, target paths parse, matching precedence), with every
 * problem reported at once under its JSON path (`$.users.mappings[2].expression: …`). Secrets may
 * be written `env:NAME` and are resolved from the environment handed in; relative file paths are
 * resolved against the configuration file's folder.
 */
import { createHash } from 'node:crypto';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parsePath } from '../core/path/parse-path.ts';
import { isScimError } from '../core/scim-error.ts';
import { compileExpression } from './expression/index.ts';
import { configSchema, type MappingConfig, type SourceConfig, type SyncConfig } from './config-schema.ts';

export type { SyncConfig, SourceConfig, MappingConfig } from './config-schema.ts';

/** Invalid configuration: every problem, each prefixed with its JSON path. */
export class SyncConfigError extends Error {
  readonly code = 'SYNC_CONFIG_INVALID';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid sync configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/** A validated job: the configuration with secrets and paths resolved, and its mapping fingerprint. */
export interface SyncJob {
  readonly config: SyncConfig;
  /**
   * Hash of what decides the target objects (source keys, mappings, scope, target URL). When it
   * changes, the next cycle is an initial one.
   */
  readonly fingerprint: string;
}

/** Removes `//` and `/* … *\/` comments outside strings, and commas before `}` or `]`. */
export function stripJsonComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i += 1;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      out += ch;
      i += 1;
    }
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

/** Drops `"//"` keys (comments written as JSON) at every level. */
function dropCommentKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropCommentKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) if (key !== '//') out[key] = dropCommentKeys(inner);
  return out;
}

/** `$.users.mappings[2].target` from zod's path segments. */
export function jsonPath(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>((path, segment) => (typeof segment === 'number' ? `${path}[${segment}]` : `${path}.${String(segment)}`), '$');
}

function checkMappings(mappings: readonly MappingConfig[], at: string, problems: string[]): void {
  const precedences = new Map<number, number>();
  mappings.forEach((mapping, index) => {
    const here = `${at}.mappings[${index}]`;
    try {
      compileExpression(mapping.expression);
    } catch (error) {
      const position = (error as { position?: unknown }).position;
      const where = typeof position === 'number' ? ` (at character ${position})` : '';
      problems.push(`${here}.expression: ${error instanceof Error ? error.message : String(error)}${where}`);
    }
    try {
      parsePath(mapping.target);
    } catch (error) {
      problems.push(`${here}.target: ${isScimError(error) ? error.detail : String(error)}`);
    }
    if (mapping.matching !== undefined) {
      const other = precedences.get(mapping.matching);
      if (other !== undefined) problems.push(`${here}.matching: precedence ${mapping.matching} is also given to mappings[${other}]`);
      precedences.set(mapping.matching, index);
    }
  });
  if (precedences.size === 0) problems.push(`${at}.mappings: at least one mapping needs "matching" (the attribute objects are matched by)`);
  const targets = new Set<string>();
  mappings.forEach((mapping, index) => {
    const key = mapping.target.toLowerCase();
    if (targets.has(key)) problems.push(`${at}.mappings[${index}].target: "${mapping.target}" is mapped twice`);
    targets.add(key);
  });
  mappings.forEach((mapping, index) => {
    if (mapping.target.toLowerCase() === 'id') problems.push(`${at}.mappings[${index}].target: the target's "id" is assigned by the target and cannot be mapped`);
  });
}

function resolveSecret(value: string, at: string, env: Readonly<Record<string, string | undefined>>, problems: string[]): string {
  if (!value.startsWith('env:')) return value;
  const name = value.slice(4);
  const resolved = env[name];
  if (resolved === undefined || resolved === '') problems.push(`${at}: the environment variable ${name} is not set`);
  return resolved ?? '';
}

function resolveSource(source: SourceConfig, at: string, baseDir: string, env: Readonly<Record<string, string | undefined>>, problems: string[]): SourceConfig {
  switch (source.type) {
    case 'csv':
    case 'json':
      return { ...source, path: isAbsolute(source.path) ? source.path : resolve(baseDir, source.path) };
    case 'ldap':
      return source.password === undefined ? source : { ...source, password: resolveSecret(source.password, `${at}.password`, env, problems) };
    case 'scim':
      return { ...source, token: resolveSecret(source.token, `${at}.token`, env, problems) };
  }
}

function fingerprintOf(config: SyncConfig): string {
  const decisive = { source: config.source, users: config.users, groups: config.groups, target: config.target.url, actions: config.actions, skip: config.skipOutOfScopeDeletions };
  const withoutSecrets = JSON.stringify(decisive, (key, value: unknown) => (key === 'password' || key === 'token' ? undefined : value));
  return createHash('sha256').update(withoutSecrets).digest('hex').slice(0, 32);
}

/**
 * Validates a parsed configuration document. `baseDir` anchors relative file paths; `env` resolves
 * `env:` secrets. Throws SyncConfigError listing every problem.
 */
export function validateSyncConfig(document: unknown, options: { readonly baseDir: string; readonly env: Readonly<Record<string, string | undefined>> }): SyncJob {
  const parsed = configSchema.safeParse(dropCommentKeys(document));
  if (!parsed.success) {
    throw new SyncConfigError(parsed.error.issues.map((issue) => `${jsonPath(issue.path)}: ${issue.message}`));
  }
  const problems: string[] = [];
  const config = parsed.data;
  checkMappings(config.users.mappings, '$.users', problems);
  if (config.groups !== undefined) {
    checkMappings(config.groups.mappings, '$.groups', problems);
    if (config.groups.source.members === undefined && config.groups.source.type !== 'scim') problems.push('$.groups.source.members: name the attribute that holds the members');
  }
  for (const [section, object] of [['users', config.users], ['groups', config.groups]] as const) {
    object?.scope.forEach((group, g) =>
      group.forEach((clause, c) => {
        const needsValue = !clause.operator.startsWith('IS ');
        if (needsValue && clause.value === undefined) problems.push(`$.${section}.scope[${g}][${c}].value: ${clause.operator} needs a value`);
        if (clause.operator.endsWith('REGEX MATCH') && typeof clause.value === 'string') {
          try {
            new RegExp(clause.value);
          } catch (error) {
            problems.push(`$.${section}.scope[${g}][${c}].value: ${(error as Error).message}`);
          }
        }
      }),
    );
  }
  const resolved: SyncConfig = {
    ...config,
    source: resolveSource(config.source, '$.source', options.baseDir, options.env, problems),
    target: { ...config.target, token: resolveSecret(config.target.token, '$.target.token', options.env, problems) },
    ...(config.groups === undefined ? {} : { groups: { ...config.groups, source: resolveSource(config.groups.source, '$.groups.source', options.baseDir, options.env, problems) } }),
  };
  if (problems.length > 0) throw new SyncConfigError(problems);
  return { config: resolved, fingerprint: fingerprintOf(config) };
}

/** Parses and validates the text of a configuration file at `path`. */
export function parseSyncConfig(text: string, path: string, env: Readonly<Record<string, string | undefined>>): SyncJob {
  let document: unknown;
  try {
    document = JSON.parse(stripJsonComments(text));
  } catch (error) {
    throw new SyncConfigError([`$: not valid JSON: ${(error as Error).message}`]);
  }
  return validateSyncConfig(document, { baseDir: dirname(resolve(path)), env });
}
