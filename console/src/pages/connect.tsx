/**
 * Connect: what to paste into the identity provider, step by step for Microsoft Entra ID and
 * Okta, and — refreshed every few seconds — whether the identity provider has reached scimd yet.
 */
import { useQuery } from '@tanstack/react-query';
import { api, orgPath } from '../api/client';
import type { Activity, ApiKeyList, Organization } from '../api/types';
import { useAuth } from '../auth';
import { Badge, CopyField, ErrorMessage, PageHeader, Time } from '../components/ui';
import { Link } from '../router';
import type { OrgPageProps } from './org-shell';

const POLL_MS = 5000;

export function ConnectPage({ org }: OrgPageProps) {
  const base = `/orgs/${encodeURIComponent(org.id)}`;
  return (
    <>
      <PageHeader title="Connect" />
      <p className="lead">
        Give your identity provider these two values and a SCIM key from <Link to={`${base}/api-access`}>API Access</Link>. SCIM must be on in{' '}
        <Link to={`${base}/settings/security`}>Settings → Security</Link>
        {org.scimEnabled ? ' (it is).' : ' — it is off right now.'}
      </p>
      <section className="card" aria-labelledby="connect-values">
        <h2 id="connect-values">Connection details</h2>
        <CopyField label="Tenant URL" value={org.tenantUrl} />
        <CopyField label="Organization ID" value={org.id} />
      </section>
      <ConnectionStatus org={org} />
      <div className="grid-2">
        <EntraSteps />
        <OktaSteps />
      </div>
    </>
  );
}

/** "Waiting for the first request…" until the activity (or a key's last use) shows one. */
function ConnectionStatus({ org }: { org: Organization }) {
  const { can } = useAuth();
  const activity = useQuery({
    queryKey: ['activity', org.id, 'day'],
    queryFn: () => api<Activity>('GET', orgPath(org.id, '/activity?bucket=day&errors=1')),
    enabled: can('activity:read'),
    refetchInterval: POLL_MS,
  });
  const keys = useQuery({ queryKey: ['keys', org.id], queryFn: () => api<ApiKeyList>('GET', orgPath(org.id, '/keys')), enabled: can('keys:read'), refetchInterval: POLL_MS });

  const scimKeys = (keys.data?.items ?? []).filter((k) => k.type === 'scim' && k.lastUsedAt !== null);
  const lastKey = scimKeys.sort((a, b) => (b.lastUsedAt ?? '').localeCompare(a.lastUsedAt ?? ''))[0];
  const lastError = activity.data?.lastErrors[0];
  const times = [activity.data?.lastSuccessAt, lastKey?.lastUsedAt, lastError?.occurredAt].filter((t): t is string => typeof t === 'string').sort();
  const last = times[times.length - 1];
  const loading = (can('activity:read') && activity.isPending) || (can('keys:read') && keys.isPending);

  return (
    <section className="card" aria-labelledby="connect-status">
      <h2 id="connect-status">Identity provider status</h2>
      <div role="status" aria-live="polite">
        {loading ? (
          <p>Checking…</p>
        ) : last === undefined ? (
          <p>
            <Badge tone="info">Not connected yet</Badge> Waiting for the first request… This updates by itself once your identity provider sends one (for example with
            “Test Connection”).
          </p>
        ) : (
          <dl className="props">
            <dt>Last request</dt>
            <dd>
              <Time value={last} />
            </dd>
            {lastKey ? (
              <>
                <dt>Client</dt>
                <dd>
                  key “{lastKey.description}” (<span className="mono">{lastKey.prefix}…</span>)
                </dd>
              </>
            ) : null}
            <dt>Last successful request</dt>
            <dd>{can('activity:read') ? <Time value={activity.data?.lastSuccessAt} empty="none in the last 30 days" /> : 'not visible with your access'}</dd>
            <dt>Last error</dt>
            <dd>
              {lastError ? (
                <>
                  <Badge tone="bad">{lastError.status}</Badge> {lastError.detail} (<Time value={lastError.occurredAt} />)
                </>
              ) : can('activity:read') ? (
                'none'
              ) : (
                'not visible with your access'
              )}
            </dd>
          </dl>
        )}
      </div>
      {activity.isError ? <ErrorMessage error={activity.error} title="Could not read the activity" /> : null}
    </section>
  );
}

function EntraSteps() {
  return (
    <section className="card" aria-labelledby="entra-steps">
      <h2 id="entra-steps">Microsoft Entra ID</h2>
      <ol className="steps">
        <li>In the Entra admin center open Enterprise applications, pick (or add) the application, and open Provisioning.</li>
        <li>Set the provisioning mode to Automatic.</li>
        <li>
          Under Admin Credentials paste the <strong>Tenant URL</strong> above, and a SCIM key from API Access as the <strong>Secret Token</strong>.
        </li>
        <li>
          Select <strong>Test Connection</strong>. The status on this page changes once the test request arrives.
        </li>
        <li>
          Review the <strong>attribute mappings</strong> for users and groups: userName (usually the user principal name), active, name, e-mail addresses, externalId.
          Map userType to a role name of this organization if you use roles.
        </li>
        <li>
          For the most standard-conforming behaviour, append the feature flag <code>?aadOptscim062020</code> to the Tenant URL.
        </li>
        <li>
          Choose the <strong>scope</strong>: only assigned users and groups, or everyone.
        </li>
        <li>
          Save, then set the <strong>provisioning status</strong> to On. Entra runs a first cycle, then one about every 40 minutes.
        </li>
      </ol>
    </section>
  );
}

function OktaSteps() {
  return (
    <section className="card" aria-labelledby="okta-steps">
      <h2 id="okta-steps">Okta</h2>
      <ol className="steps">
        <li>In the Okta admin console open Applications, pick the application, and open the Provisioning tab.</li>
        <li>
          Select <strong>Configure API Integration</strong> and tick Enable API integration.
        </li>
        <li>
          Enter the <strong>Tenant URL</strong> as the SCIM base URL, the <strong>Organization ID</strong> where Okta asks for it, and a SCIM key as the API token
          (HTTP header authentication).
        </li>
        <li>Test the API credentials, then save. The status on this page changes once the request arrives.</li>
        <li>
          Under To App, enable <strong>Create Users</strong>, <strong>Update User Attributes</strong> and <strong>Deactivate Users</strong>.
        </li>
        <li>
          Set the <strong>user type</strong> (userType) to a role name of this organization if you use roles; users without one get the default role.
        </li>
        <li>Assign people and push groups to the application.</li>
      </ol>
    </section>
  );
}
