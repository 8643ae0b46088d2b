/**
 * Delivery on its own process: `scimd serve` with SCIMD_WEBHOOK_DELIVERY=false sends nothing,
 * `scimd webhook deliver` beside it on the same SQLite file delivers every acknowledged write, and
 * stops cleanly on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { startReceiver, type Receiver } from '../events/receiver.ts';
import { BIN, runScimd, scimClient, serveScimd, tempDir } from './process.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe('scimd webhook deliver', () => {
  const dir = tempDir();
  let receiver: Receiver | undefined;
  after(async () => {
    await receiver?.close();
    dir.remove();
  });

  it('delivers what a serve without delivery acknowledged, and stops on SIGTERM', { timeout: 120_000 }, async () => {
    const env = { DATA_DIR: dir.path, SCIMD_WEBHOOK_ALLOW_PRIVATE: 'true', SCIMD_EVENT_POLL_MS: '20' };
    receiver = await startReceiver(() => ({ status: 204 }));
    const server = await serveScimd({ ...env, SCIMD_WEBHOOK_DELIVERY: 'false' });
    try {
      const orgId = (JSON.parse((await runScimd(['org', 'list', '--json'], env)).stdout) as { id: string }[])[0]?.id ?? '';
      const created = await runScimd(['webhook', 'create', '--org', orgId, '--url', receiver.url, '--json'], env);
      assert.equal(created.code, 0, created.stderr);
      const scim = scimClient(server.tenantUrl, server.token ?? '');
      const ids: string[] = [];
      for (let n = 0; n < 5; n += 1) {
        const response = await scim('POST', '/Users', { schemas: [USER], userName: `split${n}@acme.test`, active: true });
        assert.equal(response.status, 201);
        ids.push(String(response.body?.['id']));
      }
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(receiver.received.length, 0, 'the server alone delivers nothing');

      const deliverer = spawn(process.execPath, [BIN, 'webhook', 'deliver'], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      deliverer.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => deliverer.on('exit', (code) => resolve(code)));
      await receiver.until((r) => ids.every((id) => r.some((x) => x.event.type === 'scimd.user.created' && x.event.subject === id)), 60_000);
      deliverer.kill('SIGTERM');
      assert.equal(await exited, 0, stderr);
      assert.match(stderr, /delivering webhooks[\s\S]*SIGTERM, stopping delivery/);
    } finally {
      await server.stop();
    }
  });
});
