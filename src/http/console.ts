/**
 * Serves the admin web console (the Vite build in `console/dist`) under `/console`. Hashed files
 * under `/console/assets/` are cached for a year as immutable; the HTML is revalidated on every
 * load (`no-cache`), so a new build reaches browsers at once. Paths without a file extension are
 * the console's own client-side routes (`/console/orgs/<id>/users/<id>`) and get `index.html`;
 * a missing file (with an extension) is a 404. Every answer carries a strict Content-Security-
 * Policy — scripts and styles only from this origin, nothing inline — and headers that keep the
 * page out of frames and setup-link tokens out of Referer headers.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Context, Hono } from 'hono';
import type { AppEnv } from './env.ts';

/** Where the console is mounted. */
export const CONSOLE_PATH = '/console';

/** The Content-Security-Policy of every console response. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.txt', '.map']);
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface LoadedFile {
  readonly body: Uint8Array;
  readonly gzip: Uint8Array | undefined;
  readonly type: string;
}

export interface ConsoleOptions {
  /** The folder holding the built console (`index.html`, `assets/`). */
  readonly root: string;
}

/** The file a request path names inside `root`, or undefined when it would leave `root`. */
export function resolveConsoleFile(root: string, requestPath: string): string | undefined {
  let relative: string;
  try {
    relative = decodeURIComponent(requestPath.slice(CONSOLE_PATH.length)).replace(/^\/+/, '');
  } catch {
    return undefined;
  }
  if (relative.includes('\0')) return undefined;
  const file = normalize(join(root, relative));
  return file === root || file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : undefined;
}

function textResponse(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers } });
}

/**
 * Registers GET/HEAD `/console` and `/console/*`. Files are read once and kept in memory with a
 * gzip copy (a build is a few hundred KB and never changes while the server runs).
 */
export function registerConsole(app: Hono<AppEnv>, options: ConsoleOptions): void {
  const root = normalize(options.root);
  const cache = new Map<string, Promise<LoadedFile | undefined>>();

  const load = (file: string): Promise<LoadedFile | undefined> => {
    let pending = cache.get(file);
    if (pending === undefined) {
      pending = readFile(file).then(
        (buffer) => {
          const ext = extname(file);
          const body = new Uint8Array(buffer);
          return { body, gzip: COMPRESSIBLE.has(ext) && body.length > 1024 ? new Uint8Array(gzipSync(body)) : undefined, type: TYPES[ext] ?? 'application/octet-stream' };
        },
        () => undefined,
      );
      // Missing files are not remembered: a build may land after the server started.
      void pending.then((loaded) => loaded === undefined && cache.delete(file));
      cache.set(file, pending);
    }
    return pending;
  };

  const send = (c: Context<AppEnv>, file: LoadedFile, cacheControl: string): Response => {
    const gzip = file.gzip !== undefined && /\bgzip\b/.test(c.req.header('Accept-Encoding') ?? '');
    const body = gzip ? file.gzip! : file.body;
    const headers: Record<string, string> = { ...SECURITY_HEADERS, 'Content-Type': file.type, 'Cache-Control': cacheControl, 'Content-Length': String(body.length) };
    if (file.gzip !== undefined) headers['Vary'] = 'Accept-Encoding';
    if (gzip) headers['Content-Encoding'] = 'gzip';
    return new Response(c.req.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), { status: 200, headers });
  };

  const handler = async (c: Context<AppEnv>): Promise<Response> => {
    const path = c.req.path;
    const file = resolveConsoleFile(root, path);
    if (file === undefined) return textResponse(404, 'Not found');
    const isAsset = extname(file) !== '' && !file.endsWith(`${sep}index.html`);
    if (isAsset) {
      const loaded = await load(file);
      if (loaded === undefined) return textResponse(404, 'Not found');
      const hashed = path.startsWith(`${CONSOLE_PATH}/assets/`);
      return send(c, loaded, hashed ? IMMUTABLE : 'no-cache');
    }
    const index = await load(join(root, 'index.html'));
    if (index === undefined) {
      return textResponse(503, 'The console has not been built: run `npm run build:console` (npm install does it), then reload.');
    }
    return send(c, index, 'no-cache');
  };

  app.on(['GET', 'HEAD'], CONSOLE_PATH, handler);
  app.on(['GET', 'HEAD'], `${CONSOLE_PATH}/*`, handler);
}
