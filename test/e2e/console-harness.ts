/**
 * What the console's browser tests share: a real scimd (the composition root, listening on
 * 127.0.0.1, SQLite in a temp file) with an operator, Debian's headless Chromium driven by
 * playwright-core (never a downloaded browser), axe-core injected into pages, and small helpers
 * that call the SCIM and admin APIs the way an identity provider or a script would.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { recordSecret, testLogger } from '../log-capture.ts';
import { startRuntime, type Runtime } from '../../src/runtime.ts';
import { createOperatorService } from '../../src/services/operators.ts';

export const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SCREENSHOTS = join(ROOT, 'docs', 'console');
export const OPERATOR = { email: 'ops@vendor.test', password: 'correct horse battery staple' };

/** Why the browser tests cannot run here, or false. Without chromium they skip — except in CI. */
export function browserSkipReason(): string | false {
  if (existsSync(CHROMIUM)) return false;
  if (process.env['CI']) throw new Error(`${CHROMIUM} is missing; CI must install it (apt-get install -y chromium)`);
  return `${CHROMIUM} is not installed (apt-get install -y chromium): skipping the console browser tests`;
}

/** Builds the console once if console/dist is missing (npm install normally did it). */
export function ensureConsoleBuilt(): void {
  if (existsSync(join(ROOT, 'console', 'dist', 'index.html'))) return;
  const result = spawnSync('npm', ['run', 'build:console'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build:console failed');
}

/** A JSON answer, read loosely by the tests (as test/http/harness.ts does). */
export interface JsonResult {
  readonly status: number;
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface ConsoleServer {
  readonly runtime: Runtime;
  readonly url: string;
  readonly tenantUrl: string;
  readonly browser: Browser;
  /** A fresh browser context (own cookies and storage) with clipboard access. */
  context(options?: { width?: number; height?: number; colorScheme?: 'light' | 'dark' }): Promise<BrowserContext>;
  /** An operator session token for API calls the test makes itself. */
  operatorToken(): Promise<string>;
  /** Calls the admin API with a bearer token. */
  admin(method: string, path: string, token: string, body?: unknown): Promise<JsonResult>;
  /** Calls the SCIM API with a bearer token. */
  scim(method: string, path: string, token: string, body?: unknown): Promise<JsonResult>;
  close(): Promise<void>;
}

/** Starts scimd and Chromium; `env` adds settings (e.g. a fast reminder worker). */
export async function startConsoleServer(env: Readonly<Record<string, string>> = {}): Promise<ConsoleServer> {
  ensureConsoleBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'scimd-console-e2e-'));
  const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'scimd.db')}`, PORT: '0', HOST: '127.0.0.1', ...env });
  const runtime = await startRuntime(config, { logger: testLogger('console harness') });
  recordSecret(OPERATOR.password);
  await createOperatorService({ store: runtime.store }).create(OPERATOR);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const url = runtime.url;

  const call = async (base: string, method: string, path: string, token: string, body: unknown, type: string): Promise<JsonResult> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': type }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
  };
  let token: string | undefined;

  return {
    runtime,
    url,
    tenantUrl: runtime.tenantUrl,
    browser,
    async context(options = {}) {
      const context = await browser.newContext({
        viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
        colorScheme: options.colorScheme ?? 'light',
        acceptDownloads: true,
        reducedMotion: 'reduce',
      });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
      return context;
    },
    async operatorToken() {
      if (token === undefined) {
        const response = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(OPERATOR) });
        token = ((await response.json()) as { token: string }).token;
      }
      return token;
    },
    admin: (method, path, bearer, body) => call(`${url}/api/v1`, method, path, bearer, body, 'application/json'),
    scim: (method, path, bearer, body) => call(runtime.tenantUrl, method, path, bearer, body, 'application/scim+json'),
    async close() {
      await browser.close();
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs in on the sign-in form the way a person does. */
export async function signIn(page: Page, url: string, path = '/console'): Promise<void> {
  await page.goto(`${url}${path}`);
  await page.getByLabel('Email').fill(OPERATOR.email);
  await page.getByLabel('Password').fill(OPERATOR.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: number;
}

/** Runs axe-core on the page (WCAG 2.x A and AA rules); returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate<boolean>("'axe' in window"))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate<AxeViolation[]>(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
    .then((report) => report.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length })))`);
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Saves a screenshot of the page to docs/console/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}
