/**
 * Settings → Security, the policy presets: each preset the server offers (`GET /policy-presets`)
 * with what it sets, which one the organization's policies match, and "Apply preset", which asks
 * first — listing every policy that would change — and then sends `PATCH …/policies {"preset"}`.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, orgPath } from '../api/client';
import type { Policies, PolicyPreset, PolicyPresetList } from '../api/types';
import { ConfirmDialog } from '../components/dialog';
import { Badge, ErrorMessage, Loading } from '../components/ui';

type UserPolicies = PolicyPreset['policies'];
type PolicyName = keyof UserPolicies;

const LABELS: Record<PolicyName, string> = {
  userNameMustBeEmail: 'userName must be an e-mail address',
  allowedDomains: 'Allowed e-mail domains',
  userNameImmutable: 'userName cannot change',
  deriveDisplayName: 'displayName built from the name',
  userTypeMustNameRole: 'userType must name a role',
  defaultRole: 'Default role',
};
const NAMES = Object.keys(LABELS) as PolicyName[];

const show = (value: UserPolicies[PolicyName]): string => (typeof value === 'boolean' ? (value ? 'On' : 'Off') : Array.isArray(value) ? (value.length === 0 ? 'any' : value.join(', ')) : value);
const same = (a: UserPolicies[PolicyName], b: UserPolicies[PolicyName]): boolean => show(a) === show(b);

/** The policies that applying `preset` would change, with their values before and after. */
export function changesOf(current: Policies, preset: PolicyPreset): { name: PolicyName; before: string; after: string }[] {
  return NAMES.filter((name) => !same(current[name], preset.policies[name])).map((name) => ({ name, before: show(current[name]), after: show(preset.policies[name]) }));
}

export function PresetChooser({ orgId, current, editable }: { orgId: string; current: Policies; editable: boolean }) {
  const client = useQueryClient();
  const presets = useQuery({ queryKey: ['policy-presets'], queryFn: () => api<PolicyPresetList>('GET', '/policy-presets'), staleTime: Infinity });
  const matching = presets.data?.items.find((p) => changesOf(current, p).length === 0)?.name;
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  const apply = useMutation({
    mutationFn: (preset: string) => api<Policies>('PATCH', orgPath(orgId, '/policies'), { preset }),
    onSuccess: (saved) => {
      client.setQueryData(['policies', orgId], saved);
      setConfirming(false);
    },
  });
  const selected = chosen ?? matching;
  const target = presets.data?.items.find((p) => p.name === selected);
  const changes = target ? changesOf(current, target) : [];

  if (presets.isPending) return <Loading what="Loading the presets" />;
  if (presets.isError) return <ErrorMessage error={presets.error} title="Could not load the policy presets" />;
  return (
    <div className="presets">
      <fieldset disabled={!editable}>
        <legend>Preset</legend>
        <p className="hint">
          A preset sets every user policy below at once; the identity provider profile stays. {matching ? null : 'The current policies match no preset (they were changed one by one).'}
        </p>
        {presets.data.items.map((preset) => (
          <div key={preset.name} className="preset">
            <div className="check">
              <input id={`preset-${preset.name}`} type="radio" name="preset" value={preset.name} checked={selected === preset.name} onChange={() => setChosen(preset.name)} aria-describedby={`preset-${preset.name}-what`} />
              <label htmlFor={`preset-${preset.name}`}>
                <code>{preset.name}</code>
              </label>
              {matching === preset.name ? <Badge tone="ok">Current</Badge> : null}
            </div>
            <div id={`preset-${preset.name}-what`} className="preset-what">
              <p className="hint">{preset.description}</p>
              <ul className="hint preset-values">
                {NAMES.map((name) => (
                  <li key={name}>
                    {LABELS[name]}: <strong>{show(preset.policies[name])}</strong>
                  </li>
                ))}
              </ul>
            </div>
          </div>
        ))}
        {editable ? (
          <button type="button" className="button" disabled={target === undefined || changes.length === 0 || apply.isPending} onClick={() => setConfirming(true)}>
            Apply preset
          </button>
        ) : null}
      </fieldset>
      {apply.isSuccess && !confirming ? (
        <p className="hint" role="status">
          Preset {apply.variables} applied.
        </p>
      ) : null}
      <ConfirmDialog
        open={confirming}
        title={`Apply the preset ${target?.name ?? ''}?`}
        confirmLabel="Apply preset"
        danger={false}
        onConfirm={() => target && apply.mutate(target.name)}
        onClose={() => setConfirming(false)}
        busy={apply.isPending}
      >
        <p>These policies change, from the next SCIM request on:</p>
        <ul>
          {changes.map((c) => (
            <li key={c.name}>
              {LABELS[c.name]}: {c.before} → <strong>{c.after}</strong>
            </li>
          ))}
        </ul>
        <p className="hint">Users already stored are not rewritten; the rules apply to their next create or update.</p>
        {apply.isError ? <ErrorMessage error={apply.error} title="Could not apply the preset" /> : null}
      </ConfirmDialog>
    </div>
  );
}
