/**
 * API key secrets: generation, format checks and hashing (DESIGN.md §3). A generated secret looks
 * like `scimd_<8 hex>_<43 base64url>`: the `scimd_` prefix makes leaked keys recognisable to secret
 * scanners, the 8 hex characters are the visible part shown in listings, and the tail carries 256
 * random bits. Only the SHA-256 of the whole secret is stored.
 */
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ScimError } from '../core/scim-error.ts';

/** The recognisable start of every generated key. */
export const KEY_PREFIX = 'scimd_';

const GENERATED = /^scimd_([0-9a-f]{8})_[A-Za-z0-9_-]{43}$/;
/** RFC 6750 §2.1 `b64token` characters: anything a client can send in `Authorization: Bearer`. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** Secrets longer than this are rejected before hashing (nobody's real key is that long). */
export const MAX_SECRET_LENGTH = 512;
/** A provided secret (the bootstrap token) must be at least this long … */
export const MIN_PROVIDED_SECRET_LENGTH = 32;
/** … and use at least this many distinct characters, which rules out `aaaa…` and `1234…1234`. */
const MIN_DISTINCT_CHARACTERS = 12;

/** A new secret and the visible prefix stored next to its hash. */
export interface GeneratedSecret {
  readonly secret: string;
  readonly prefix: string;
}

/** Generates a key secret with 256 random bits (randomBytes(32), base64url) and its visible prefix. */
export function generateSecret(random: (size: number) => Buffer = randomBytes): GeneratedSecret {
  const visible = random(4).toString('hex');
  const secret = `${KEY_PREFIX}${visible}_${random(32).toString('base64url')}`;
  return { secret, prefix: `${KEY_PREFIX}${visible}` };
}

/**
 * The SHA-256 (hex) of a secret. A slow password hash (argon2, scrypt) protects low-entropy human
 * passwords against offline guessing; a 256-bit random secret cannot be guessed however fast the
 * hash is, so a fast hash loses nothing and keeps the per-request lookup cheap. User-provided
 * bootstrap tokens are held to a minimum length and variety for the same reason. One-shot
 * `crypto.hash` (strings are hashed as UTF-8): a quarter of `createHash(…).update(…).digest()`'s
 * time, which builds a stream object per call (~0.7 against ~2.5 µs per request).
 */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** Compares two hex hashes in constant time (crypto.timingSafeEqual); unequal lengths never match. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/** True when the string could be a bearer secret at all (worth hashing and looking up). */
export function isWellFormedSecret(secret: unknown): secret is string {
  return typeof secret === 'string' && secret.length >= MIN_PROVIDED_SECRET_LENGTH && secret.length <= MAX_SECRET_LENGTH && BEARER_TOKEN.test(secret);
}

/** True for a secret in the generated `scimd_<8 hex>_<43 base64url>` shape. */
export function isGeneratedSecret(secret: string): boolean {
  return GENERATED.test(secret);
}

/**
 * Checks a secret an operator chose (SCIMD_BOOTSTRAP_TOKEN) and returns the prefix to show for it:
 * the generated-shape prefix when it has that shape, else its first four characters — never more,
 * so the listing does not give away a meaningful part of a short secret.
 */
export function checkProvidedSecret(secret: string): GeneratedSecret {
  const problems: string[] = [];
  if (secret.length < MIN_PROVIDED_SECRET_LENGTH) problems.push(`at least ${MIN_PROVIDED_SECRET_LENGTH} characters`);
  if (secret.length > MAX_SECRET_LENGTH) problems.push(`at most ${MAX_SECRET_LENGTH} characters`);
  if (!BEARER_TOKEN.test(secret)) problems.push('only letters, digits and - . _ ~ + / (optionally ending in =)');
  if (new Set(secret).size < MIN_DISTINCT_CHARACTERS) problems.push(`at least ${MIN_DISTINCT_CHARACTERS} different characters`);
  if (problems.length > 0) {
    throw new ScimError(400, 'invalidValue', `The provided key secret must have ${problems.join(', ')}`);
  }
  const generated = GENERATED.exec(secret);
  return { secret, prefix: generated ? `${KEY_PREFIX}${generated[1]}` : `${secret.slice(0, 4)}…` };
}
