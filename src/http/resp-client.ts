/**
 * A minimal Redis client speaking RESP2 over one TCP connection: commands are pipelined in order,
 * replies matched first-in first-out. Enough for the shared rate limiter (EVALSHA / EVAL); no
 * pub/sub, no cluster. The connection opens on the first command and again after it drops; a command
 * that gets no reply within `timeoutMs` fails, and so does every command in flight when the
 * connection closes, so callers can fall back instead of hanging.
 */
import { connect, type Socket } from 'node:net';

export type RespValue = string | number | null | RespValue[];

/** A reply Redis sent as an error (`-ERR …`, `-NOSCRIPT …`). */
export class RespError extends Error {
  override readonly name = 'RespError';
}

export interface RespClient {
  /** Sends one command; resolves with its reply, rejects with a RespError or a connection error. */
  command(args: readonly (string | number)[]): Promise<RespValue>;
  /** Closes the connection; later commands fail. */
  close(): Promise<void>;
}

export interface RespClientOptions {
  /** `redis://[:password@]host[:port][/db]` */
  readonly url: string;
  /** Milliseconds a command may wait for its reply (default 1,000). */
  readonly timeoutMs?: number;
}

interface Pending {
  resolve(value: RespValue): void;
  reject(error: Error): void;
}

const encode = (args: readonly (string | number)[]): Buffer => {
  const parts: string[] = [`*${args.length}\r\n`];
  for (const arg of args) {
    const text = String(arg);
    parts.push(`$${Buffer.byteLength(text)}\r\n${text}\r\n`);
  }
  return Buffer.from(parts.join(''));
};

/** Parses one reply at `at`; returns it and the offset after it, or undefined when incomplete. */
function parse(buffer: Buffer, at: number): { value: RespValue | RespError; next: number } | undefined {
  const end = buffer.indexOf('\r\n', at);
  if (end < 0) return undefined;
  const type = buffer[at];
  const line = buffer.toString('utf8', at + 1, end);
  switch (type) {
    case 0x2b: // +
      return { value: line, next: end + 2 };
    case 0x2d: // -
      return { value: new RespError(line), next: end + 2 };
    case 0x3a: // :
      return { value: Number(line), next: end + 2 };
    case 0x24: { // $
      const length = Number(line);
      if (length < 0) return { value: null, next: end + 2 };
      if (buffer.length < end + 2 + length + 2) return undefined;
      return { value: buffer.toString('utf8', end + 2, end + 2 + length), next: end + 2 + length + 2 };
    }
    case 0x2a: { // *
      const count = Number(line);
      if (count < 0) return { value: null, next: end + 2 };
      const items: RespValue[] = [];
      let next = end + 2;
      for (let i = 0; i < count; i += 1) {
        const item = parse(buffer, next);
        if (item === undefined) return undefined;
        if (item.value instanceof RespError) throw item.value;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`unexpected RESP reply type ${String.fromCharCode(type ?? 0)}`);
  }
}

/** Creates a client for `options.url`; nothing connects until the first command. */
export function createRespClient(options: RespClientOptions): RespClient {
  const url = new URL(options.url);
  if (url.protocol !== 'redis:') throw new Error(`REDIS_URL must start with redis:// (got ${url.protocol})`);
  const timeoutMs = options.timeoutMs ?? 1000;
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  let socket: Socket | undefined;
  let closed = false;
  let pending: Pending[] = [];
  let buffer: Buffer = Buffer.alloc(0);

  function fail(error: Error): void {
    const failed = pending;
    pending = [];
    buffer = Buffer.alloc(0);
    socket?.destroy();
    socket = undefined;
    for (const p of failed) p.reject(error);
  }

  function onData(chunk: Buffer): void {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    let at = 0;
    try {
      for (let reply = parse(buffer, at); reply !== undefined; reply = parse(buffer, at)) {
        at = reply.next;
        const p = pending.shift();
        if (reply.value instanceof RespError) p?.reject(reply.value);
        else p?.resolve(reply.value);
      }
    } catch (error) {
      fail(error as Error);
      return;
    }
    buffer = at === buffer.length ? Buffer.alloc(0) : buffer.subarray(at);
  }

  function open(): Socket {
    const s = connect({ host: url.hostname || '127.0.0.1', port: Number(url.port || 6379), noDelay: true });
    s.on('data', onData);
    s.on('error', (error) => fail(error));
    s.on('close', () => {
      if (socket === s) fail(new Error('the Redis connection closed'));
    });
    socket = s;
    // Sent first on the fresh connection, so they precede every queued command.
    if (url.password !== '') send(['AUTH', ...(url.username ? [decodeURIComponent(url.username)] : []), decodeURIComponent(url.password)]).catch(() => undefined);
    if (db !== 0) send(['SELECT', db]).catch(() => undefined);
    return s;
  }

  function send(args: readonly (string | number)[]): Promise<RespValue> {
    return new Promise<RespValue>((resolve, reject) => {
      const s = socket ?? open();
      const timer = setTimeout(() => fail(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
      pending.push({
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      s.write(encode(args));
    });
  }

  return {
    command(args) {
      if (closed) return Promise.reject(new Error('the Redis client is closed'));
      return send(args);
    },
    async close() {
      closed = true;
      const s = socket;
      socket = undefined;
      if (s === undefined) return;
      await new Promise<void>((resolve) => s.end(resolve));
      s.destroy();
    },
  };
}
