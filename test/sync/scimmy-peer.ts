/**
 * SCIMMY (an independent SCIM server from npm) with in-memory Users and Groups behind its express
 * routers, as the peer the interoperability and `scimd validate` tests talk to. Uniqueness of
 * userName / displayName is checked case-insensitively (409 `uniqueness`); unknown ids are 404.
 */
import { randomUUID } from 'node:crypto';
import express from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';

export type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The handler chain SCIMMY.Resources.declare returns, typed once for both resources. */
interface Declared {
  egress(handler: (resource: Doc) => unknown): Declared;
  ingress(handler: (resource: Doc, instance: Doc) => unknown): Declared;
  degress(handler: (resource: Doc) => unknown): Declared;
}

export interface ScimmyPeerOptions {
  /** The bearer token the routers accept. */
  readonly token: string;
  /** Declare the Enterprise User extension on Users (as a vendor offering Entra's manager mapping would). */
  readonly enterprise?: boolean;
  /** Express middleware mounted before the routers (e.g. a request recorder). */
  readonly before?: express.RequestHandler;
}

/** Declares SCIMMY's User and Group resources over two maps and returns the express app and the maps. */
export function createScimmyPeer(options: ScimmyPeerOptions) {
  const stores = { User: new Map<string, Doc>(), Group: new Map<string, Doc>() };
  if (options.enterprise) SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false);
  for (const [name, resource] of [['User', SCIMMY.Resources.User], ['Group', SCIMMY.Resources.Group]] as const) {
    const store = stores[name];
    (SCIMMY.Resources.declare(resource) as unknown as Declared)
      .egress((res: Doc) => {
        if (res.id) {
          const found = store.get(res.id);
          if (found === undefined) throw new SCIMMY.Types.Error(404, null as never, `${name} ${res.id} not found`);
          return found;
        }
        const all = [...store.values()];
        return res.filter ? res.filter.match(all) : all;
      })
      .ingress((res: Doc, instance: Doc) => {
        const unique = name === 'User' ? 'userName' : 'displayName';
        const clash = [...store.values()].find((d) => d.id !== res.id && String(d[unique]).toLowerCase() === String(instance[unique]).toLowerCase());
        if (clash) throw new SCIMMY.Types.Error(409, 'uniqueness', `${unique} taken`);
        const id = res.id ?? randomUUID();
        const now = new Date().toISOString();
        const doc = { ...JSON.parse(JSON.stringify(instance)), id, meta: { created: store.get(id)?.meta?.created ?? now, lastModified: now } };
        store.set(id, doc);
        return doc;
      })
      .degress((res: Doc) => {
        store.delete(res.id);
      });
  }
  const app = express();
  if (options.before) app.use(options.before);
  app.use(
    '/scim',
    new SCIMMYRouters({
      type: 'bearer',
      docUri: 'https://example.test/auth',
      handler: (request: express.Request) => {
        if (request.header('Authorization') !== `Bearer ${options.token}`) throw new Error('Authorization failed');
        return 'peer';
      },
    }),
  );
  return { app, stores };
}
