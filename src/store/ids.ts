/**
 * Time-ordered resource ids in the UUIDv7 layout (RFC 9562 §5.7): 48 bits of Unix milliseconds,
 * then a 12-bit counter that keeps ids created in the same millisecond increasing, then random bits.
 * Because ids sort by creation time, `ORDER BY id` is creation order and keyset paging on the
 * primary key visits rows in the order they were made.
 */
import { randomFillSync } from 'node:crypto';

/** Returns a new id on every call. */
export type IdGenerator = () => string;

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Random bytes drawn from the CSPRNG 4 KiB at a time: one call per 512 ids instead of one per id. */
function createRandomPool(size = 4096) {
  const pool = new Uint8Array(size);
  let used = size;
  return (target: Uint8Array, offset: number): void => {
    const n = target.length - offset;
    if (used + n > size) {
      randomFillSync(pool);
      used = 0;
    }
    target.set(pool.subarray(used, used + n), offset);
    used += n;
  };
}

/** A generator whose ids strictly increase for this generator, even within one millisecond. */
export function createIdGenerator(now: () => number = Date.now): IdGenerator {
  let lastMs = -1;
  let counter = 0;
  const random = createRandomPool();
  return () => {
    let ms = now();
    if (ms <= lastMs) {
      ms = lastMs;
      counter += 1;
      if (counter > 0xfff) {
        ms += 1;
        counter = 0;
      }
    } else {
      counter = 0;
    }
    lastMs = ms;
    const bytes = new Uint8Array(16);
    random(bytes, 8);
    // 48-bit big-endian timestamp.
    for (let i = 5; i >= 0; i -= 1) {
      bytes[i] = ms % 256;
      ms = Math.floor(ms / 256);
    }
    bytes[6] = 0x70 | (counter >> 8);
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
    const h = hex(bytes);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
}
