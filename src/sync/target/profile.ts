/**
 * Compatibility profiles: how PATCH requests are shaped for a target.
 *
 * - `rfc` (default): RFC 7644 §3.5.2 as written — lower-case `op`, JSON booleans, one operation
 *   per changed path, members removed one by one with `path: members[value eq "<id>"]`.
 * - `entra-legacy`: the shapes Entra ID sent before the `aadOptscim062020` flag — capitalised
 *   `Replace`/`Add`/`Remove`, booleans as the strings "True"/"False", and members removed with
 *   `path: members` and a `value` array. For targets built against Entra's old behaviour.
 */
import { URN } from '../../core/urns.ts';

export type Profile = 'rfc' | 'entra-legacy';

export interface PatchOp {
  readonly op: string;
  readonly path?: string;
  readonly value?: unknown;
}

export interface PatchBody {
  readonly schemas: readonly string[];
  readonly Operations: readonly PatchOp[];
}

const opName = (profile: Profile, op: 'add' | 'replace' | 'remove') => (profile === 'rfc' ? op : op[0]!.toUpperCase() + op.slice(1));

const encode = (profile: Profile, value: unknown) => (profile === 'entra-legacy' && typeof value === 'boolean' ? (value ? 'True' : 'False') : value);

/** One `replace` per changed path. */
export function attributePatch(profile: Profile, changes: ReadonlyMap<string, unknown>): PatchBody {
  const Operations = [...changes].map(([path, value]) => ({ op: opName(profile, 'replace'), path, value: encode(profile, value) }));
  return { schemas: [URN.patchOp], Operations };
}

/** Membership changes: adds in one operation, removals in the profile's shape. */
export function memberPatch(profile: Profile, added: readonly string[], removed: readonly string[]): PatchBody {
  const Operations: PatchOp[] = [];
  if (removed.length > 0) {
    if (profile === 'rfc') for (const id of removed) Operations.push({ op: 'remove', path: `members[value eq ${JSON.stringify(id)}]` });
    else Operations.push({ op: 'Remove', path: 'members', value: removed.map((value) => ({ value })) });
  }
  if (added.length > 0) Operations.push({ op: opName(profile, 'add'), path: 'members', value: added.map((value) => ({ value })) });
  return { schemas: [URN.patchOp], Operations };
}
