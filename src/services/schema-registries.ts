/**
 * Each organization's schema registry (RFC 7643 §6–§7): the built-in schemas plus the extension
 * schemas it registered, built from the store and cached per organization. `load` is what every use
 * case awaits; it re-reads an organization's definitions when this process changed them (`forget`)
 * or another process may have (`store.configVersion()` moved: SQLite `data_version`, PostgreSQL
 * NOTIFY), so a definition change takes effect on the next request on every instance. A re-read
 * that finds the same versions keeps the registry object, so per-schema-set memos stay warm.
 */
import { createSchemaRegistry, validateSchemaDefinition, type SchemaRegistry } from '../core/schema/registry.ts';
import type { ResourceSchemas } from '../core/schema/types.ts';
import type { SchemaExtensionRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';

/** The registry of an organization without extension schemas (shared: it is immutable). */
export const BUILT_IN_REGISTRY: SchemaRegistry = createSchemaRegistry();

/** Builds a registry from an organization's stored extension schemas. */
export function registryOf(records: readonly SchemaExtensionRecord[]): SchemaRegistry {
  if (records.length === 0) return BUILT_IN_REGISTRY;
  const definitions = records.map((r) => ({ record: r, definition: validateSchemaDefinition(r.definition) }));
  return createSchemaRegistry({
    userExtensions: definitions.filter((d) => d.record.resourceType === 'User').map((d) => d.definition),
    groupExtensions: definitions.filter((d) => d.record.resourceType === 'Group').map((d) => d.definition),
    requiredExtensions: records.filter((r) => r.required).map((r) => r.id),
  });
}

interface Entry {
  readonly registry: SchemaRegistry;
  /** The URNs and versions the registry was built from. */
  readonly fingerprint: string;
  /** Set when another process may have changed the definitions since. */
  stale: boolean;
}

const fingerprintOf = (records: readonly SchemaExtensionRecord[]): string => records.map((r) => `${r.id}@${r.version}`).join('\n');

/** Creates the per-organization registry cache over a store. */
export function createSchemaRegistries(deps: { readonly store: Store }) {
  const { store } = deps;
  const cache = new Map<string, Entry>();
  let seenVersion: number | undefined;
  // Bumped whenever entries are invalidated, so a read that overlapped the change is not kept as fresh.
  let generation = 0;

  function noticeOtherProcesses(): void {
    const version = store.configVersion();
    if (version === seenVersion) return;
    seenVersion = version;
    generation += 1;
    for (const entry of cache.values()) entry.stale = true;
  }

  async function load(orgId: string): Promise<SchemaRegistry> {
    noticeOtherProcesses();
    const hit = cache.get(orgId);
    if (hit && !hit.stale) return hit.registry;
    const started = generation;
    const records = await store.schemaExtensions.list(orgId);
    const fingerprint = fingerprintOf(records);
    const registry = hit && hit.fingerprint === fingerprint ? hit.registry : registryOf(records);
    cache.set(orgId, { registry, fingerprint, stale: started !== generation });
    return registry;
  }

  return {
    /** The organization's registry, current as of this call (see the module comment). */
    load,
    /** The User schemas of the organization (for the user service). */
    userSchemas: async (orgId: string): Promise<ResourceSchemas> => (await load(orgId)).user,
    /** The Group schemas of the organization (for the group service). */
    groupSchemas: async (orgId: string): Promise<ResourceSchemas> => (await load(orgId)).group,
    /**
     * The registry `load` last returned for the organization (the built-in one before any load): for
     * synchronous readers within a request that already awaited `load`, such as response projection.
     */
    registryFor: (orgId: string): SchemaRegistry => cache.get(orgId)?.registry ?? BUILT_IN_REGISTRY,
    /** Drops the organization's cached registry (its definitions changed in this process). */
    forget(orgId: string): void {
      generation += 1;
      const hit = cache.get(orgId);
      if (hit) hit.stale = true;
    },
  };
}

export type SchemaRegistries = ReturnType<typeof createSchemaRegistries>;
