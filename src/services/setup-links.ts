/**
 * Setup links: an operator hands a customer admin a time-limited link whose
 * token lets its holder manage one organization's SCIM toggle, API keys and revision history —
 * without an account. The token is random (256 bits) and only its SHA-256 is stored; the link can
 * be revoked before it expires. Creating and revoking links is recorded in the organization's history.
 */
import { randomBytes } from 'node:crypto';
import { ScimError } from '../core/scim-error.ts';
import type { SetupLinkRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { hashSecret, isWellFormedSecret } from './api-key-secrets.ts';
import type { OperationContext } from './context.ts';

/** The start of every setup-link token. */
export const SETUP_TOKEN_PREFIX = 'scimd_setup_';
/** How long a link lasts when no duration is given. */
export const DEFAULT_SETUP_LINK_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** The longest a link may last. */
export const MAX_SETUP_LINK_TTL_MS = 30 * 24 * 60 * 60 * 1000;

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

export type SetupLinkStatus = 'active' | 'expired' | 'revoked';

/** A link as listed: never its token or hash. */
export type SetupLinkView = Omit<SetupLinkRecord, 'tokenHash'> & { readonly status: SetupLinkStatus };

/** A new link; `token` is returned only here. */
export interface CreatedSetupLink {
  readonly link: SetupLinkView;
  readonly token: string;
}

/** The organization a valid setup-link token grants access to. */
export interface SetupLinkPrincipal {
  readonly orgId: string;
  readonly linkId: string;
  readonly expiresAt: string;
}

export type SetupLinkAuthentication =
  | { readonly ok: true; readonly principal: SetupLinkPrincipal }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'revoked' };

/** Parses a duration such as `7d`, `12h` or `30m` into milliseconds; 400 `invalidValue` otherwise. */
export function parseDuration(text: string): number {
  const match = /^(\d{1,4})([mhd])$/.exec(text.trim());
  const ms = match ? Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0) : 0;
  if (ms <= 0) throw new ScimError(400, 'invalidValue', `"${text}" is not a duration; use minutes, hours or days such as 30m, 12h or 7d`);
  return ms;
}

/** The address a customer admin opens: the console's setup page with the token in the fragment. */
export function setupLinkUrl(baseUrl: string, token: string): string {
  // The fragment never reaches servers or proxy logs; the console reads it and calls /api/v1.
  return `${baseUrl.replace(/\/+$/, '')}/console/setup#token=${token}`;
}

function statusOf(link: SetupLinkRecord, now: Date): SetupLinkStatus {
  if (link.revokedAt !== null) return 'revoked';
  return Date.parse(link.expiresAt) <= now.getTime() ? 'expired' : 'active';
}

function viewOf(link: SetupLinkRecord, now: Date): SetupLinkView {
  const { tokenHash: _hash, ...rest } = link;
  return { ...rest, status: statusOf(link, now) };
}

async function audit(tx: Store, ctx: OperationContext, action: string, link: SetupLinkRecord): Promise<void> {
  await tx.auditEvents.append(ctx.orgId, {
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    actorName: ctx.actor.name,
    action,
    resourceType: 'SetupLink',
    resourceId: link.id,
    requestId: ctx.requestId ?? null,
    sourceIp: ctx.sourceIp ?? null,
    changes: { after: action === 'setup_link.created' ? { expiresAt: link.expiresAt, createdBy: link.createdBy } : { revokedAt: link.revokedAt } },
  });
}

export interface SetupLinkServiceDeps {
  readonly store: Store;
  readonly clock?: () => Date;
}

/** Creates the setup link service over a store. */
export function createSetupLinkService(deps: SetupLinkServiceDeps) {
  const { store } = deps;
  const clock = deps.clock ?? (() => new Date());
  const notFound = (id: string) => new ScimError(404, undefined, `Setup link "${id}" not found`);

  return {
    /** Creates a link to `ctx.orgId` lasting `expiresInMs` (7 days by default, at most 30); 404 for an unknown organization. */
    async create(ctx: OperationContext, options: { readonly expiresInMs?: number } = {}): Promise<CreatedSetupLink> {
      const ttl = options.expiresInMs ?? DEFAULT_SETUP_LINK_TTL_MS;
      if (!Number.isFinite(ttl) || ttl <= 0 || ttl > MAX_SETUP_LINK_TTL_MS) {
        throw new ScimError(400, 'invalidValue', 'A setup link must expire within 30 days');
      }
      const now = clock();
      const token = `${SETUP_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      const link = await store.transaction(async (tx) => {
        if (!(await tx.organizations.get(ctx.orgId))) throw new ScimError(404, undefined, `Organization "${ctx.orgId}" not found`);
        const expiresAt = new Date(now.getTime() + ttl).toISOString();
        const created = await tx.setupLinks.create(ctx.orgId, { tokenHash: hashSecret(token), createdBy: ctx.actor.name, expiresAt });
        await audit(tx, ctx, 'setup_link.created', created);
        return created;
      });
      return { link: viewOf(link, now), token };
    },

    /** The organization's links, newest first. */
    async list(orgId: string): Promise<SetupLinkView[]> {
      const now = clock();
      return (await store.setupLinks.list(orgId)).map((link) => viewOf(link, now));
    },

    /** Revokes a link (idempotent); its token fails from the next request. */
    async revoke(ctx: OperationContext, id: string): Promise<SetupLinkView> {
      const now = clock();
      const link = await store.transaction(async (tx) => {
        const existing = await tx.setupLinks.get(ctx.orgId, id);
        if (!existing) throw notFound(id);
        if (existing.revokedAt !== null) return existing;
        const revoked = await tx.setupLinks.revoke(ctx.orgId, id, now.toISOString());
        if (!revoked) throw notFound(id);
        await audit(tx, ctx, 'setup_link.revoked', revoked);
        return revoked;
      });
      return viewOf(link, now);
    },

    /** Checks a setup-link token: the organization it grants, or why it does not. */
    async authenticate(token: string): Promise<SetupLinkAuthentication> {
      if (!token.startsWith(SETUP_TOKEN_PREFIX) || !isWellFormedSecret(token)) return { ok: false, reason: 'unknown' };
      const link = await store.setupLinks.findByHash(hashSecret(token));
      if (!link) return { ok: false, reason: 'unknown' };
      const status = statusOf(link, clock());
      if (status !== 'active') return { ok: false, reason: status };
      return { ok: true, principal: { orgId: link.orgId, linkId: link.id, expiresAt: link.expiresAt } };
    },
  };
}

export type SetupLinkService = ReturnType<typeof createSetupLinkService>;
