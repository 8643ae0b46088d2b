/**
 * A browsable page for the admin API at `/api/v1/docs`: Swagger UI over `/api/v1/openapi.json`.
 * Swagger UI's script and stylesheet come from the `swagger-ui-dist` npm package and are served
 * from this server (no CDN), read from disk on first request and kept in memory. The page's
 * Content-Security-Policy allows only this origin: scripts from files (the start-up script is a
 * file too, not inline), styles from files plus the inline style attributes Swagger UI sets,
 * images from this origin and data: URLs (its icons), and requests to this origin (the document
 * and "Try it out").
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Hono } from 'hono';
import type { AppEnv } from '../env.ts';

/** The policy of the page and its assets. */
export const API_DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The files of swagger-ui-dist the page uses, with their media types. */
const VENDOR_ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

function page(prefix: string): string {
  const assets = `${prefix}/docs/assets`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>scimd admin API</title>
<link rel="icon" type="image/png" href="${assets}/favicon-32x32.png">
<link rel="stylesheet" href="${assets}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${assets}/swagger-ui-bundle.js"></script>
<script src="${assets}/start.js"></script>
</body>
</html>
`;
}

function startScript(prefix: string): string {
  return `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(`${prefix}/openapi.json`)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;
}

/** Where swagger-ui-dist is installed. */
function vendorDirectory(): string {
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': API_DOCS_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** Registers `${prefix}/docs` and its assets on `app` (public, like the OpenAPI document). */
export function registerApiDocs(app: Hono<AppEnv>, prefix: string): void {
  const files = new Map<string, Buffer>();
  const html = page(prefix);
  const start = startScript(prefix);
  const htmlHeaders = { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' };
  app.get(`${prefix}/docs`, (c) => c.body(html, 200, htmlHeaders));
  app.get(`${prefix}/docs/`, (c) => c.redirect(`${prefix}/docs`, 301));
  app.get(`${prefix}/docs/assets/start.js`, (c) =>
    c.body(start, 200, { ...SECURITY_HEADERS, 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }),
  );
  app.get(`${prefix}/docs/assets/:file`, (c) => {
    const name = c.req.param('file');
    const type = Object.hasOwn(VENDOR_ASSETS, name) ? VENDOR_ASSETS[name] : undefined;
    if (type === undefined) return c.notFound();
    let content = files.get(name);
    if (content === undefined) {
      content = readFileSync(join(vendorDirectory(), name));
      files.set(name, content);
    }
    return c.body(new Uint8Array(content), 200, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' });
  });
}
