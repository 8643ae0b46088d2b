/**
 * Standard Webhooks signatures: `webhook-signature` is a space-separated list of `v1,<base64>`,
 * each an HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}` keyed with the base64-decoded
 * part of a `whsec_` secret. During a rotation both the new and the previous secret sign.
 */
import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

/** A new endpoint secret: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `${PREFIX}${randomBytes(32).toString('base64')}`;
}

/** Decoded keys of the secrets in use (an endpoint has one or two), so each is decoded once. */
const keys = new Map<string, Buffer>();
const MAX_KEYS = 1000;

function keyOf(secret: string): Buffer {
  let key = keys.get(secret);
  if (key === undefined) {
    if (keys.size >= MAX_KEYS) keys.clear();
    key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
    keys.set(secret, key);
  }
  return key;
}

/** One `v1,<base64>` signature. */
export function signV1(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.`).update(body).digest('base64')}`;
}

/** The three Standard Webhooks headers for one attempt, signed with every secret given. */
export function signedHeaders(secrets: readonly string[], id: string, timestamp: number, body: string): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => signV1(s, id, timestamp, body)).join(' '),
  };
}
