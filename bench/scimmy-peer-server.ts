/**
 * The SCIMMY peer of the side-by-side benchmark as a server process: the tests' SCIMMY peer
 * (scimmy + scimmy-routers over in-memory maps, test/sync/scimmy-peer.ts) listening on a free port,
 * with USERS Entra-shaped users put straight into its map. `POST /bench/seed` (outside the SCIM
 * routes) adds users and a group the way the benchmark needs them, without going through SCIMMY:
 *   { "users": <total wanted>, "group": <members> } → { "groupId": "…", "ids": [...] }
 * Prints `PORT <n>` when listening.
 */
import { randomUUID } from 'node:crypto';
import express from 'express';
import { createScimmyPeer, type Doc } from '../test/sync/scimmy-peer.ts';
import { entraUser, TOKEN, userName } from './http-harness.ts';

const { app, stores } = createScimmyPeer({ token: TOKEN, enterprise: true });
const users = stores.User;
const stamp = () => {
  const now = new Date().toISOString();
  return { created: now, lastModified: now, resourceType: 'User' };
};

/** Fills the user map up to `total` users; returns every id in insertion order. */
function fill(total: number): string[] {
  for (let n = users.size; n < total; n += 1) {
    const id = randomUUID();
    users.set(id, { ...entraUser(userName(n), n), id, meta: stamp() });
  }
  return [...users.keys()];
}

fill(Number(process.env['USERS'] ?? 5000));
const seeder = express();
seeder.post('/bench/seed', express.json({ limit: '1mb', type: () => true }), (req, res) => {
  const body = (req.body ?? {}) as { users?: number; group?: number };
  const ids = fill(body.users ?? users.size);
  let groupId: string | undefined;
  if (body.group !== undefined) {
    groupId = randomUUID();
    const members = ids.slice(0, body.group).map((value) => ({ value }));
    const group: Doc = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: groupId, displayName: `Group of ${body.group}`, members, meta: { ...stamp(), resourceType: 'Group' } };
    stores.Group.set(groupId, group);
  }
  res.json({ groupId, ids });
});
seeder.use(app);
const server = seeder.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`PORT ${typeof address === 'object' && address ? address.port : 0}`);
});
