/**
 * The webhook sender against real HTTP servers on 127.0.0.1: the exact bytes and headers arrive,
 * non-2xx answers and their excerpt come back, long answers are cut at maxResponseBytes, a silent
 * receiver times out, redirects are not followed, private addresses and http are refused unless
 * allowed, TLS names the URL's host, and connections are kept alive, reused and bounded.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createWebhookSender, type SendOptions, type WebhookSender } from '../../src/services/webhook-sender.ts';

interface Hit {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

interface TestServer {
  readonly origin: string;
  readonly hits: Hit[];
  /** Connections the server accepted, and how many of them have closed. */
  readonly connections: { opened: number; closed: number };
  close(): Promise<void>;
}

const servers: Server[] = [];
const senders: WebhookSender[] = [];

/** An HTTP server on 127.0.0.1 that records each request and answers with `answer`. */
async function startServer(answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(204).end()): Promise<TestServer> {
  const hits: Hit[] = [];
  const connections = { opened: 0, closed: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      hits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      answer(req, res);
    });
  });
  server.on('connection', (socket) => {
    connections.opened += 1;
    socket.on('close', () => (connections.closed += 1));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    hits,
    connections,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function sender(options: Partial<SendOptions> = {}): WebhookSender {
  const created = createWebhookSender({ allowPrivate: true, timeoutMs: 5_000, maxResponseBytes: 4096, ...options });
  senders.push(created);
  return created;
}

/** Polls until `predicate` holds (for what a server notices after the client acted). */
async function until(predicate: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

after(async () => {
  for (const s of senders) s.close();
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

describe('webhook sender', () => {
  it('POSTs the exact body bytes with the given headers, content-type, content-length and user-agent', async () => {
    const server = await startServer();
    const body = JSON.stringify({ type: 'user.created', name: 'Zoë Ünicode ✓', n: 1 });
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': '1700000000', 'webhook-signature': 'v1,abc=' };
    const result = await sender().send(`${server.origin}/hooks/in?x=1&y=2`, headers, body);
    assert.equal(result.statusCode, 204);
    assert.equal(result.error, null);
    assert.ok(result.latencyMs >= 0);
    const [hit] = server.hits;
    assert.ok(hit);
    assert.equal(hit.method, 'POST');
    assert.equal(hit.url, '/hooks/in?x=1&y=2');
    assert.deepEqual(hit.body, Buffer.from(body, 'utf8'));
    assert.equal(hit.headers['content-type'], 'application/json');
    assert.equal(hit.headers['content-length'], String(Buffer.byteLength(body)));
    assert.equal(hit.headers['user-agent'], 'scimd-webhooks/1');
    assert.equal(hit.headers['host'], new URL(server.origin).host);
    for (const [name, value] of Object.entries(headers)) assert.equal(hit.headers[name], value);
  });

  it('returns a non-2xx status with the start of the answer as text', async () => {
    const server = await startServer((_req, res) => res.writeHead(503, { 'content-type': 'text/plain' }).end('busy — try later'));
    const result = await sender().send(`${server.origin}/`, {}, '{}');
    assert.deepEqual({ statusCode: result.statusCode, error: result.error, excerpt: result.excerpt }, { statusCode: 503, error: null, excerpt: 'busy — try later' });
  });

  it('reads at most maxResponseBytes of a long answer and drops that connection', async () => {
    const server = await startServer((_req, res) => res.writeHead(200).end('a'.repeat(100) + 'b'.repeat(200_000)));
    const send = sender({ maxResponseBytes: 100 });
    const result = await send.send(`${server.origin}/`, {}, '{}');
    assert.equal(result.statusCode, 200);
    assert.equal(result.error, null);
    assert.equal(result.excerpt, 'a'.repeat(100));
    // The connection the rest was still arriving on is closed, not kept for the next send.
    await until(() => server.connections.closed >= 1);
    assert.equal((await send.send(`${server.origin}/`, {}, '{}')).statusCode, 200);
    assert.ok(server.connections.opened >= 2);
  });

  it('cuts a long answer the same way when the receiver closes the connection after it', async () => {
    const server = await startServer((_req, res) => res.writeHead(200, { connection: 'close' }).end('x'.repeat(150)));
    const send = sender({ maxResponseBytes: 150 });
    for (let i = 0; i < 3; i += 1) assert.deepEqual((await send.send(`${server.origin}/`, {}, '{}')).excerpt, 'x'.repeat(150));
  });

  it('gives up after timeoutMs without a status and says so', async () => {
    const server = await startServer(() => undefined);
    const started = Date.now();
    const result = await sender({ timeoutMs: 300 }).send(`${server.origin}/`, {}, '{}');
    assert.equal(result.statusCode, null);
    assert.match(result.error ?? '', /no response within 300 ms/);
    assert.equal(result.excerpt, null);
    assert.ok(Date.now() - started < 2_000);
  });

  it('times out a receiver that sends the headers and then stalls the body', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    const result = await sender({ timeoutMs: 300 }).send(`${server.origin}/`, {}, '{}');
    assert.equal(result.statusCode, null);
    assert.match(result.error ?? '', /300 ms/);
  });

  it('does not follow a redirect: the 302 is the result and its target is never called', async () => {
    const target = await startServer();
    const server = await startServer((_req, res) => res.writeHead(302, { location: `${target.origin}/elsewhere` }).end());
    const result = await sender().send(`${server.origin}/`, {}, '{}');
    assert.equal(result.statusCode, 302);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(target.hits.length, 0);
    assert.equal(target.connections.opened, 0);
  });

  it('refuses a loopback address unless allowPrivate, both literal and by name', async () => {
    const server = await startServer();
    const port = new URL(server.origin).port;
    const strict = sender({ allowPrivate: false });
    for (const url of [`https://127.0.0.1:${port}/`, `https://[::1]:${port}/`, `https://localhost:${port}/`]) {
      const result = await strict.send(url, {}, '{}');
      assert.equal(result.statusCode, null, url);
      assert.match(result.error ?? '', /private or reserved/, url);
    }
    assert.equal(server.connections.opened, 0);
  });

  it('refuses http unless allowPrivate', async () => {
    const server = await startServer();
    const result = await sender({ allowPrivate: false }).send(`${server.origin}/`, {}, '{}');
    assert.equal(result.statusCode, null);
    assert.match(result.error ?? '', /http: URLs are not allowed/);
    assert.equal(server.connections.opened, 0);
  });

  it('reports a refused connection as an error without a status', async () => {
    const server = await startServer();
    await server.close();
    const result = await sender().send(`${server.origin}/`, {}, '{}');
    assert.equal(result.statusCode, null);
    assert.match(result.error ?? '', /ECONNREFUSED/);
  });

  it('keeps connections alive: sequential sends reuse them, close() ends them', async () => {
    const server = await startServer();
    const send = sender();
    for (let i = 0; i < 10; i += 1) assert.equal((await send.send(`${server.origin}/n${i}`, {}, `{"n":${i}}`)).statusCode, 204);
    assert.equal(server.hits.length, 10);
    // undici hands a connection back to its pool one event-loop turn after the answer, so a send
    // made right after the previous one resolves may open a second connection: never a tenth.
    assert.ok(server.connections.opened <= 2, `${server.connections.opened} connections for 10 sends`);
    assert.equal(server.connections.closed, 0);
    send.close();
    await until(() => server.connections.closed === server.connections.opened);
  });

  it('opens at most 8 connections to one origin however many sends are in flight', async () => {
    const server = await startServer((_req, res) => setTimeout(() => res.writeHead(204).end(), 50));
    const send = sender();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => send.send(`${server.origin}/`, {}, `{"n":${i}}`)));
    assert.ok(results.every((r) => r.statusCode === 204));
    assert.equal(server.connections.opened, 8);
  });
});

/** A self-signed certificate for `localhost`, or null without openssl. */
function selfSigned(): { key: Buffer; cert: Buffer } | null {
  const dir = mkdtempSync(join(tmpdir(), 'scimd-sender-tls-'));
  try {
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    if (made.status !== 0) return null;
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('webhook sender over TLS', () => {
  const tls = selfSigned();
  it('names the URL host to TLS and verifies the certificate', { skip: tls === null ? 'openssl is not installed' : false }, async () => {
    const names: string[] = [];
    const server = createTlsServer({ ...tls, SNICallback: (name, callback) => { names.push(name); callback(null, undefined); } }, (_req, res) => res.writeHead(204).end());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    // The certificate is self-signed, so the handshake must fail on it: nothing skips verification.
    const result = await sender().send(`https://localhost:${port}/`, {}, '{}');
    assert.equal(result.statusCode, null);
    assert.match(result.error ?? '', /self[- ]signed/i);
    assert.deepEqual(names, ['localhost']);
  });
});
