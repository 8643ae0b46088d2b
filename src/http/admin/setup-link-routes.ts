/**
 * Setup links and the mail log. Operators create, list and revoke an
 * organization's setup links; whoever may read the organization's mail log sees what scimd mailed.
 */
import { setupLinkUrl, parseDuration } from '../../services/setup-links.ts';
import { pageSize, type AdminContext } from './deps.ts';
import { defineRoute, type AdminRoute } from './route.ts';
import { CreatedSetupLink, MailList, NewSetupLink, SetupLink, SetupLinkList } from './schemas.ts';
import { PageQuery } from './organization-routes.ts';

const LINKS = '/organizations/{orgId}/setup-links';

/** The setup link and mail log routes. */
export function setupLinkRoutes(admin: AdminContext): AdminRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: LINKS,
      summary: 'List setup links',
      tag: 'Setup links',
      access: { kind: 'operator' },
      responses: { 200: { description: 'The organization\'s links, newest first, without tokens', schema: SetupLinkList } },
      handle: async ({ params }) => ({ status: 200, body: { items: await admin.setupLinks.list(params['orgId'] ?? '') } }),
    }),
    defineRoute({
      method: 'post',
      path: LINKS,
      summary: 'Create a setup link',
      tag: 'Setup links',
      access: { kind: 'operator' },
      body: NewSetupLink,
      responses: { 201: { description: 'The link; hand its URL to the customer admin', schema: CreatedSetupLink } },
      async handle({ c, params, body, operation }) {
        const options = body.expiresIn === undefined ? {} : { expiresInMs: parseDuration(body.expiresIn) };
        const created = await admin.setupLinks.create(operation(params['orgId'] ?? ''), options);
        return { status: 201, body: { ...created, url: setupLinkUrl(admin.origin(c), created.token) } };
      },
    }),
    defineRoute({
      method: 'delete',
      path: `${LINKS}/{linkId}`,
      summary: 'Revoke a setup link',
      tag: 'Setup links',
      access: { kind: 'operator' },
      responses: { 200: { description: 'The revoked link', schema: SetupLink } },
      handle: async ({ params, operation }) => ({ status: 200, body: await admin.setupLinks.revoke(operation(params['orgId'] ?? ''), params['linkId'] ?? '') }),
    }),
    defineRoute({
      method: 'get',
      path: '/organizations/{orgId}/mail',
      summary: 'Read the mail log',
      tag: 'Mail',
      access: { kind: 'org', scope: 'mail:read' },
      query: PageQuery,
      responses: { 200: { description: 'Mails scimd sent or recorded for the organization, newest first', schema: MailList } },
      async handle({ params, query }) {
        const page = await admin.mail.list(params['orgId'] ?? '', { limit: pageSize(admin, query.count), ...(query.cursor ? { cursor: query.cursor } : {}) });
        return { status: 200, body: { items: page.mails, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
      },
    }),
  ];
}
