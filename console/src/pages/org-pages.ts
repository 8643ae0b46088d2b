/** The pages of an organization's workspace, in navigation order, with the scope each needs. */
import type { ComponentType } from 'react';
import type { OrgPageProps } from './org-shell';
import { ActivityPage } from './activity';
import { ApiAccessPage } from './api-access';
import { ConnectPage } from './connect';
import { GroupPage, GroupsPage } from './groups';
import { HistoryPage } from './history';
import { ProvisioningPage } from './provisioning';
import { MembersPage, RolesPage } from './roles';
import { SecurityPage } from './security';
import { MailLogPage, SetupLinksPage } from './setup-links';
import { UserPage } from './user';
import { UsersPage } from './users';

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
];

/** Pages that appear in the navigation (detail pages do not). */
export const inNav = (page: OrgPage): boolean => !page.path.includes(':');
