/**
 * A real HTTP webhook receiver on 127.0.0.1 for tests: records every request (headers, raw body,
 * parsed event) and answers what `respond` decides — a status, optionally after a delay.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly event: { readonly id: string; readonly type: string; readonly subject?: string; readonly sequence: string; readonly data: Record<string, unknown> };
  readonly at: number;
}

export interface Reply {
  readonly status: number;
  readonly delayMs?: number;
  readonly body?: string;
}

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** Requests answered with a 2xx. */
  accepted(): Received[];
  respond: (request: Received, index: number) => Reply;
  /** Resolves once `predicate` holds over what was received (polls every 20 ms). */
  until(predicate: (received: readonly Received[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(respond: (request: Received, index: number) => Reply = () => ({ status: 204 })): Promise<Receiver> {
  const received: Received[] = [];
  const statuses: number[] = [];
  const receiver: Receiver = {
    url: '',
    received,
    accepted: () => received.filter((_, i) => (statuses[i] ?? 0) >= 200 && (statuses[i] ?? 0) < 300),
    respond,
    async until(predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`receiver: condition not met within ${timeoutMs} ms (${received.length} requests)`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const entry: Received = { headers: req.headers, body, event: JSON.parse(body) as Received['event'], at: Date.now() };
      const index = received.length;
      received.push(entry);
      const reply = receiver.respond(entry, index);
      statuses[index] = reply.status;
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status, { 'content-type': 'text/plain' });
        res.end(reply.body ?? 'ok');
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (receiver as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}
