/**
 * The pages of an organization's workspace, in navigation order, with the scope each needs. Users
 * and a user's page are in the first script (the page a big organization must open fast); the
 * others are separate chunks loaded when first shown, so the first load parses less.
 */
import { lazy, type ComponentType } from 'react';
import type { OrgPageProps } from './org-shell';
import { UserPage } from './user';
import { UsersPage } from './users';

const WebhookPage = lazy(() => import('./webhook-deliveries').then((m) => ({ default: m.WebhookPage })));
const WebhooksPage = lazy(() => import('./webhooks').then((m) => ({ default: m.WebhooksPage })));
const ProvisioningPage = lazy(() => import('./provisioning').then((m) => ({ default: m.ProvisioningPage })));
const ActivityPage = lazy(() => import('./activity').then((m) => ({ default: m.ActivityPage })));
const ApiAccessPage = lazy(() => import('./api-access').then((m) => ({ default: m.ApiAccessPage })));
const ConnectPage = lazy(() => import('./connect').then((m) => ({ default: m.ConnectPage })));
const GroupsPage = lazy(() => import('./groups').then((m) => ({ default: m.GroupsPage })));
const GroupPage = lazy(() => import('./groups').then((m) => ({ default: m.GroupPage })));
const HistoryPage = lazy(() => import('./history').then((m) => ({ default: m.HistoryPage })));
const RolesPage = lazy(() => import('./roles').then((m) => ({ default: m.RolesPage })));
const MembersPage = lazy(() => import('./roles').then((m) => ({ default: m.MembersPage })));
const SchemasPage = lazy(() => import('./schemas').then((m) => ({ default: m.SchemasPage })));
const SecurityPage = lazy(() => import('./security').then((m) => ({ default: m.SecurityPage })));
const SetupLinksPage = lazy(() => import('./setup-links').then((m) => ({ default: m.SetupLinksPage })));
const MailLogPage = lazy(() => import('./setup-links').then((m) => ({ default: m.MailLogPage })));

export interface OrgPage {
  /** Below `/orgs/<id>/`. */
  readonly path: string;
  /** Deeper paths served by the same page, e.g. `users/:userId`. */
  readonly children?: readonly string[];
  readonly title: string;
  readonly scope: string;
  readonly operatorOnly?: boolean;
  readonly component: ComponentType<OrgPageProps>;
}

export const pages: readonly OrgPage[] = [
  { path: 'connect', title: 'Connect', scope: 'org:read', component: ConnectPage },
  { path: 'settings/security', title: 'Settings → Security', scope: 'org:read', component: SecurityPage },
  { path: 'settings/schemas', title: 'Settings → Schemas', scope: 'schemas:read', component: SchemasPage },
  { path: 'api-access', title: 'API Access', scope: 'keys:read', component: ApiAccessPage },
  { path: 'users', title: 'Users', scope: 'users:read', component: UsersPage },
  { path: 'users/:userId', title: 'User', scope: 'users:read', component: UserPage },
  { path: 'groups', title: 'Groups', scope: 'groups:read', component: GroupsPage },
  { path: 'groups/:groupId', title: 'Group', scope: 'groups:read', component: GroupPage },
  { path: 'roles', title: 'Roles', scope: 'roles:read', component: RolesPage },
  { path: 'members', title: 'Members', scope: 'users:read', component: MembersPage },
  { path: 'history', title: 'Revision history', scope: 'audit:read', component: HistoryPage },
  { path: 'activity', title: 'Activity', scope: 'activity:read', component: ActivityPage },
  { path: 'provisioning', title: 'Provisioning', scope: 'provisioning:read', component: ProvisioningPage },
  { path: 'setup-links', title: 'Setup links', scope: 'org:read', operatorOnly: true, component: SetupLinksPage },
  { path: 'mail', title: 'Mail log', scope: 'mail:read', component: MailLogPage },
  { path: 'webhooks', title: 'Webhooks', scope: 'webhooks:read', component: WebhooksPage },
  { path: 'webhooks/:webhookId', title: 'Webhook', scope: 'webhooks:read', component: WebhookPage },
];

/** Pages that appear in the navigation (detail pages do not). */
export const inNav = (page: OrgPage): boolean => !page.path.includes(':');
