/**
 * Operators: the SaaS vendor's staff, who manage every organization. An operator
 * has an e-mail and a password hashed with argon2id at the OWASP minimum parameters (19 MiB, two
 * passes, one lane). Logging in issues a session: a random 256-bit bearer token (also sent as a
 * cookie by the HTTP edge) of which only the SHA-256 is stored, valid until its expiry or logout.
 */
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { ScimError } from '../core/scim-error.ts';
import type { OperatorRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { hashSecret } from './api-key-secrets.ts';
import type { Actor } from './context.ts';

/**
 * argon2id parameters: OWASP Password Storage Cheat Sheet minimum (m = 19 MiB, t = 2, p = 1).
 * `@node-rs/argon2` hashes with argon2id by default, which the tests check in the PHC string.
 */
export const PASSWORD_HASH_OPTIONS = Object.freeze({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });

/** The start of every session token, so the admin API tells sessions from keys at a glance. */
export const SESSION_TOKEN_PREFIX = 'scimd_session_';
export const MIN_PASSWORD_LENGTH = 12;
/** Longer passwords are refused before hashing: they add nothing and cost time. */
export const MAX_PASSWORD_LENGTH = 256;
/** Sessions last this long by default. */
export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Failed logins per e-mail within the window before further attempts are refused (429). */
const MAX_FAILURES = 10;
const FAILURE_WINDOW_MS = 15 * 60 * 1000;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An operator as shown: never the hash. */
export type OperatorView = Omit<OperatorRecord, 'passwordHash'>;

/** What a successful login returns; the token is shown only here. */
export interface OperatorLogin {
  readonly token: string;
  readonly expiresAt: string;
  readonly operator: OperatorView;
}

/** An authenticated operator session. */
export interface OperatorPrincipal {
  readonly operatorId: string;
  readonly email: string;
  readonly sessionId: string;
  readonly expiresAt: string;
}

/** The revision-history actor of an operator's changes. */
export function operatorActor(principal: Pick<OperatorPrincipal, 'operatorId' | 'email'>): Actor {
  return { type: 'admin', id: principal.operatorId, name: principal.email };
}

const viewOf = ({ passwordHash: _hash, ...rest }: OperatorRecord): OperatorView => rest;

const invalid = (detail: string) => new ScimError(400, 'invalidValue', detail);

/** Validates an e-mail address for an operator account and returns it trimmed. */
export function validOperatorEmail(email: unknown): string {
  const trimmed = typeof email === 'string' ? email.trim() : '';
  if (!EMAIL.test(trimmed) || trimmed.length > 254) throw invalid(`email "${String(email ?? '')}" is not an e-mail address`);
  return trimmed;
}

/** Checks a new password's length (NIST SP 800-63B: length, not composition rules). */
export function checkPassword(password: unknown): string {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
    throw invalid(`password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) throw invalid(`password must have at most ${MAX_PASSWORD_LENGTH} characters`);
  return password;
}

/** Hashes a password with argon2id at PASSWORD_HASH_OPTIONS (a PHC string). */
export const hashPassword = (password: string): Promise<string> => hash(password, PASSWORD_HASH_OPTIONS);

/** Counts recent failed logins per e-mail (in this process) to slow down password guessing. */
function createFailureCounter(clock: () => Date) {
  const failures = new Map<string, number[]>();
  const recent = (email: string) => (failures.get(email) ?? []).filter((t) => t > clock().getTime() - FAILURE_WINDOW_MS);
  return {
    blocked: (email: string) => recent(email).length >= MAX_FAILURES,
    record(email: string) {
      if (failures.size > 10_000) failures.clear();
      failures.set(email, [...recent(email), clock().getTime()]);
    },
    clear: (email: string) => failures.delete(email),
  };
}

export interface OperatorServiceDeps {
  readonly store: Store;
  readonly clock?: () => Date;
  /** How long a session lasts (12 hours by default). */
  readonly sessionTtlMs?: number;
}

/** Creates the operator service over a store. */
export function createOperatorService(deps: OperatorServiceDeps) {
  const { store } = deps;
  const clock = deps.clock ?? (() => new Date());
  const ttl = deps.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
  const failures = createFailureCounter(clock);
  let dummyHash: Promise<string> | undefined;
  const wrongCredentials = () => new ScimError(401, undefined, 'The e-mail address or the password is wrong');

  /** Verifies the password; an unknown e-mail costs the same argon2 work as a known one. */
  async function check(operator: OperatorRecord | undefined, password: string): Promise<boolean> {
    if (operator) return verify(operator.passwordHash, password);
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verify(await dummyHash, password);
    return false;
  }

  return {
    /** Creates an operator; 409 `uniqueness` when the e-mail is taken. */
    async create(input: { readonly email: string; readonly password: string }): Promise<OperatorView> {
      const email = validOperatorEmail(input.email);
      const password = checkPassword(input.password);
      if (await store.operators.findByEmail(email)) throw new ScimError(409, 'uniqueness', `An operator with the e-mail "${email}" already exists`);
      return viewOf(await store.operators.create({ email, passwordHash: await hashPassword(password) }));
    },

    /** Every operator, oldest first. */
    list: async (): Promise<OperatorView[]> => (await store.operators.list()).map(viewOf),

    /** Checks the password and opens a session; 401 on a wrong e-mail or password, 429 after many failures. */
    async login(input: { readonly email: unknown; readonly password: unknown }): Promise<OperatorLogin> {
      const email = typeof input.email === 'string' ? input.email.trim().toLowerCase() : '';
      const password = typeof input.password === 'string' ? input.password : '';
      if (failures.blocked(email)) throw new ScimError(429, undefined, 'Too many failed logins for this e-mail address; try again in 15 minutes');
      const operator = email === '' ? undefined : await store.operators.findByEmail(email);
      const ok = password.length <= MAX_PASSWORD_LENGTH && (await check(operator, password));
      if (!ok || !operator) {
        failures.record(email);
        throw wrongCredentials();
      }
      failures.clear(email);
      const now = clock();
      const token = `${SESSION_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      const expiresAt = new Date(now.getTime() + ttl).toISOString();
      await store.operators.createSession({ operatorId: operator.id, tokenHash: hashSecret(token), expiresAt });
      await store.operators.recordLogin(operator.id, now.toISOString());
      return { token, expiresAt, operator: viewOf({ ...operator, lastLoginAt: now.toISOString() }) };
    },

    /** The operator behind a session token, or undefined (unknown, expired, or logged out). */
    async authenticate(token: string): Promise<OperatorPrincipal | undefined> {
      if (!token.startsWith(SESSION_TOKEN_PREFIX)) return undefined;
      const session = await store.operators.findSession(hashSecret(token));
      if (!session || Date.parse(session.expiresAt) <= clock().getTime()) return undefined;
      const operator = await store.operators.get(session.operatorId);
      if (!operator) return undefined;
      return { operatorId: operator.id, email: operator.email, sessionId: session.id, expiresAt: session.expiresAt };
    },

    /** Ends a session (idempotent). */
    async logout(principal: Pick<OperatorPrincipal, 'sessionId'>): Promise<void> {
      await store.operators.deleteSession(principal.sessionId);
    },

    /** Deletes expired sessions; returns how many. */
    purgeExpiredSessions: () => store.operators.deleteExpiredSessions(clock().toISOString()),
  };
}

export type OperatorService = ReturnType<typeof createOperatorService>;
