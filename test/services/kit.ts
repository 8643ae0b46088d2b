/**
 * What the administration service tests share: a migrated store per dialect with the real
 * organization, key, role, policy and user services wired the way src/runtime.ts wires them, a
 * fake clock, an admin actor, and an assertion for ScimErrors (status, scimType and detail).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { userSchemas } from '../../src/core/schema/resource-types.ts';
import { ScimError } from '../../src/core/scim-error.ts';
import { createApiKeyService } from '../../src/services/api-keys.ts';
import { scimActor, type Actor, type OperationContext } from '../../src/services/context.ts';
import { createOrganizationService } from '../../src/services/organizations.ts';
import { createPolicyService } from '../../src/services/policies.ts';
import { createRoleService } from '../../src/services/roles.ts';
import { createUserService } from '../../src/services/scim-users.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import type { TestDialect } from '../store/harness.ts';

/** The admin every test acts as. */
export const ADMIN: Actor = { type: 'admin', id: 'op-1', name: 'operator@vendor.example' };

const BODIES = JSON.parse(readFileSync(new URL('../clients/bodies.json', import.meta.url), 'utf8')) as Record<string, unknown>;

/** Body `name` of docs/clients.md §6.3 (test/clients/bodies.json) with `<placeholders>` filled in. */
export function clientBody(name: string, values: Record<string, string> = {}): Record<string, unknown> {
  const template = BODIES[name];
  if (template === undefined) throw new Error(`no body ${name}`);
  return JSON.parse(JSON.stringify(template).replace(/<([a-z0-9-]+)>/g, (whole, key: string) => values[key] ?? whole)) as Record<string, unknown>;
}

/** Asserts that `promise` rejects with a ScimError of that status, scimType and detail. */
export async function rejectsWith(promise: Promise<unknown>, status: number, scimType: string | undefined, detail: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof ScimError, `expected a ScimError, got ${String(e)}`);
    assert.equal(e.status, status);
    assert.equal(e.scimType, scimType);
    assert.match(e.detail, detail);
    return true;
  });
}

/** A controllable clock: `clock()` reads it, `advance()` moves it. */
export function manualClock(start = '2026-03-01T12:00:00.000Z') {
  let now = Date.parse(start);
  return {
    clock: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

/** The services over one store, wired like the runtime (policies enforced by the user service). */
export function adminServices(store: SqlStore, clock: () => Date) {
  const keys = createApiKeyService({ store, clock, flushIntervalMs: 0, cacheTtlMs: 10_000 });
  const policies = createPolicyService({ store, clock, cacheTtlMs: 60_000, onChange: keys.forgetOrganization });
  const roles = createRoleService({ store, onChange: policies.forget });
  const orgs = createOrganizationService({ store, clock, onChange: (id) => (keys.forgetOrganization(id), policies.forget(id)) });
  const users = createUserService({ store, schemasFor: () => userSchemas(), rulesFor: policies.rulesFor });
  return { keys, policies, roles, orgs, users };
}

/** A fresh store on `dialect` with one organization (of `preset`); `scim` is a SCIM-key context in it. */
export async function adminFixture(dialect: TestDialect, options: { readonly preset?: string } = {}) {
  const time = manualClock();
  const store = await dialect.open({ clock: time.clock });
  const services = adminServices(store, time.clock);
  const org = await services.orgs.create(ADMIN, { name: 'Acme', ...options });
  const admin: OperationContext = { orgId: org.id, actor: ADMIN, requestId: 'req-admin', sourceIp: '192.0.2.1' };
  const scim: OperationContext = { orgId: org.id, actor: scimActor('key-1', 'Entra'), requestId: 'req-scim', sourceIp: '203.0.113.5' };
  return { store, time, org, admin, scim, ...services, close: () => dialect.close(store) };
}

export type AdminFixture = Awaited<ReturnType<typeof adminFixture>>;
