/**
 * The console's only way to the server: `fetch` on `/api/v1`. Operators are authenticated by the
 * HttpOnly session cookie the server sets at sign-in (the console never holds their token); a
 * customer admin's setup-link token lives in sessionStorage and goes out as a bearer token.
 * Failures become ApiError carrying the SCIM error body's `detail`.
 */
import type { ErrorBody } from './types';

export const API = '/api/v1';
const SETUP_TOKEN_KEY = 'scimd.setupToken';

export class ApiError extends Error {
  readonly status: number;
  readonly detail: string;
  constructor(status: number, detail: string) {
    super(detail);
    this.status = status;
    this.detail = detail;
  }
}

/** The setup-link token of this tab, if the console was opened through a setup link. */
export function setupToken(): string | null {
  return sessionStorage.getItem(SETUP_TOKEN_KEY);
}

export function storeSetupToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(SETUP_TOKEN_KEY);
  else sessionStorage.setItem(SETUP_TOKEN_KEY, token);
}

/** Listeners told when any call answers 401 (the session or link is no longer valid). */
const unauthorizedListeners = new Set<(detail: string) => void>();
export function onUnauthorized(listener: (detail: string) => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const token = setupToken();
  return { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}), ...extra };
}

async function errorOf(response: Response): Promise<ApiError> {
  let detail = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as Partial<ErrorBody>;
    if (typeof body.detail === 'string') detail = body.detail;
  } catch {
    // Not JSON (a proxy's error page): keep the status line.
  }
  return new ApiError(response.status, detail);
}

/** Calls `/api/v1<path>`; resolves with the JSON body (undefined for 204), rejects with ApiError. */
export async function api<T>(method: string, path: string, body?: unknown, options: { quiet401?: boolean } = {}): Promise<T> {
  const response = await fetch(`${API}${path}`, {
    method,
    credentials: 'same-origin',
    headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401 && !options.quiet401) for (const listener of unauthorizedListeners) listener(error.detail);
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A query string from the defined, non-empty values. */
export function query(values: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * Downloads a server-streamed file. With the session cookie the browser fetches the URL itself
 * and writes it to disk as it arrives; a setup-link token must go in a header, so then the file is
 * fetched and handed over as a Blob.
 */
export async function download(path: string, filename: string): Promise<void> {
  const token = setupToken();
  const anchor = document.createElement('a');
  anchor.download = filename;
  if (token === null) {
    anchor.href = `${API}${path}`;
    anchor.click();
    return;
  }
  const response = await fetch(`${API}${path}`, { headers: headers() });
  if (!response.ok) throw await errorOf(response);
  const url = URL.createObjectURL(await response.blob());
  anchor.href = url;
  anchor.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** `/organizations/<id>` with the id encoded. */
export const orgPath = (orgId: string, rest = ''): string => `/organizations/${encodeURIComponent(orgId)}${rest}`;
