/** What the admin API uses: the services behind it and a few request-level facts from createApp. */
import type { Context } from 'hono';
import type { ActivityService } from '../../services/activity.ts';
import type { ApiKeyService } from '../../services/api-keys.ts';
import type { AuditService } from '../../services/audit.ts';
import type { DirectoryService } from '../../services/directory.ts';
import type { EventService } from '../../services/events.ts';
import type { KeyReminderService } from '../../services/key-reminders.ts';
import type { MailService } from '../../services/mail.ts';
import type { OperatorService } from '../../services/operators.ts';
import type { OrganizationService } from '../../services/organizations.ts';
import type { PolicyService } from '../../services/policies.ts';
import type { ProvisioningService } from '../../sync/provisioning-service.ts';
import type { RoleService } from '../../services/roles.ts';
import type { SchemaExtensionService } from '../../services/schema-extensions.ts';
import type { GroupService } from '../../services/scim-groups.ts';
import type { UserService } from '../../services/scim-users.ts';
import type { WebhookService } from '../../services/webhooks.ts';
import type { SetupLinkService } from '../../services/setup-links.ts';
import type { AppEnv } from '../env.ts';

/** The services the admin routes call (built by src/runtime.ts or a test). */
export interface AdminServices {
  readonly organizations: OrganizationService;
  readonly apiKeys: ApiKeyService;
  readonly operators: OperatorService;
  readonly setupLinks: SetupLinkService;
  readonly users: UserService;
  readonly groups: GroupService;
  readonly directory: DirectoryService;
  readonly roles: RoleService;
  readonly schemaExtensions: SchemaExtensionService;
  readonly policies: PolicyService;
  readonly audit: AuditService;
  readonly activity: Pick<ActivityService, 'summary'>;
  readonly mail: MailService;
  readonly reminders: Pick<KeyReminderService, 'notificationAddresses' | 'setNotificationAddresses'>;
  readonly events: EventService;
  readonly webhooks: WebhookService;
  readonly provisioning: ProvisioningService;
}

/** Everything the admin routes see. */
export interface AdminContext extends AdminServices {
  /** `https://scim.example.com` for a request (PUBLIC_URL, or the request's own origin). */
  readonly origin: (c: Context<AppEnv>) => string;
  readonly maxPageSize: number;
  readonly defaultPageSize: number;
}

/** The page size a listing asked for, within the configured bounds. */
export const pageSize = (admin: AdminContext, count: number | undefined): number =>
  Math.min(Math.max(count ?? admin.defaultPageSize, 1), admin.maxPageSize);
