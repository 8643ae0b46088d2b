/** `/session`: operators log in and out; any caller can ask who it is. */
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../env.ts';
import type { AdminContext } from './deps.ts';
import { SESSION_COOKIE, actorOf, type AdminPrincipal } from './principal.ts';
import { defineRoute, type AdminRoute } from './route.ts';
import { Caller, Login, Session } from './schemas.ts';

const TAG = 'Session';

function callerOf(principal: AdminPrincipal) {
  const actor = actorOf(principal);
  return {
    kind: principal.kind,
    id: actor.id ?? '',
    name: actor.name,
    orgId: principal.kind === 'operator' ? null : principal.orgId,
    scopes: principal.kind === 'operator' ? ['*'] : [...principal.scopes].sort(),
    expiresAt: principal.kind === 'apiKey' ? null : principal.expiresAt,
  };
}

const secure = (admin: AdminContext, c: Context<AppEnv>) => admin.origin(c).startsWith('https:');

/** The session routes. */
export function sessionRoutes(admin: AdminContext): AdminRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/session',
      summary: 'Log in as an operator',
      tag: TAG,
      access: { kind: 'public' },
      body: Login,
      responses: { 201: { description: 'Logged in; the token is also set as an HttpOnly cookie', schema: Session } },
      async handle({ c, body }) {
        const login = await admin.operators.login(body);
        setCookie(c, SESSION_COOKIE, login.token, {
          httpOnly: true,
          secure: secure(admin, c),
          sameSite: 'Strict',
          path: '/api/v1',
          expires: new Date(login.expiresAt),
        });
        return { status: 201, body: login };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/session',
      summary: 'Show who the caller is',
      tag: TAG,
      access: { kind: 'any' },
      responses: { 200: { description: 'The caller', schema: Caller } },
      handle: async ({ principal }) => ({ status: 200, body: callerOf(principal!) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/session',
      summary: 'Log out',
      tag: TAG,
      access: { kind: 'operator' },
      responses: { 204: { description: 'The session has ended' } },
      async handle({ c, principal }) {
        if (principal?.kind === 'operator') await admin.operators.logout(principal);
        deleteCookie(c, SESSION_COOKIE, { path: '/api/v1', secure: secure(admin, c) });
        return { status: 204 };
      },
    }),
  ];
}
