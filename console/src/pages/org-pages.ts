/** The pages of an organization's workspace, in navigation order, with the scope each needs. */
import type { ComponentType } from 'react';
import type { OrgPageProps } from './org-shell';
import { ApiAccessPage } from './api-access';
import { SecurityPage } from './security';

export interface OrgPage {
  /** Below `/orgs/<id>/`. */
  readonly path: string;
  /** Deeper paths served by the same page, e.g. `users/:userId`. */
  readonly children?: readonly string[];
  readonly title: string;
  readonly scope: string;
  readonly operatorOnly?: boolean;
  readonly inNav?: boolean;
  readonly component: ComponentType<OrgPageProps>;
}

export const pages: readonly OrgPage[] = [
  { path: 'settings/security', title: 'Settings → Security', scope: 'org:read', component: SecurityPage },
  { path: 'api-access', title: 'API Access', scope: 'keys:read', component: ApiAccessPage },
];
