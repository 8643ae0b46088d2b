/** Generated values: Guid and RandomString, drawing from the context's `random` or, by default, Web Crypto. */
import { ExpressionError } from '../expression-error.ts';
import { argument, type Call, type FunctionSpec } from '../evaluation.ts';
import type { State } from '../evaluation.ts';
import { toInteger, toTextOrEmpty } from '../values.ts';

/** A number in [0, 1) from Web Crypto (globalThis.crypto, present in Node 20 and browsers). */
function cryptoRandom(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]! / 0x1_0000_0000;
}

const randomOf = (state: State): (() => number) => state.context.random ?? cryptoRandom;

/** A random version-4 GUID, lower-case with dashes. */
const GUID: FunctionSpec = {
  name: 'Guid',
  params: [],
  implementation: () => (state) => {
    if (state.context.random === undefined) return globalThis.crypto.randomUUID();
    const bytes = Array.from({ length: 16 }, () => Math.floor(state.context.random!() * 256) & 0xff);
    bytes[6] = (bytes[6]! & 0x0f) | 0x40;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  },
};

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
/** The special characters Windows password complexity counts. */
const SPECIAL = '~!@#$%^&*_-+=`|\\(){}[]:;"\'<>,.?/';
export const RANDOM_STRING_MAX = 256;

function invalid(call: Call, message: string): never {
  throw new ExpressionError('invalidArgument', `RandomString: ${message}`, call.position);
}

/**
 * RandomString(length, minNumbers, minSpecial, minCapital, minLower, charactersToAvoid?): at least
 * the minimum of each class, the rest drawn from every class still allowed, shuffled.
 */
const RANDOM_STRING: FunctionSpec = {
  name: 'RandomString',
  params: ['length', 'minimumNumbers', 'minimumSpecialCharacters', 'minimumCapital', 'minimumLowerCase', 'charactersToAvoid'],
  min: 5,
  optional: [5],
  implementation: (call) => (state) => {
    const values = call.args.map((arg) => arg?.(state) ?? null);
    const [length, ...mins] = values.slice(0, 5).map((v, i) => toInteger(v, argument(call, RANDOM_STRING.params[i]!), call.position)) as [number, ...number[]];
    const avoid = new Set(toTextOrEmpty(values[5] ?? null, argument(call, 'charactersToAvoid'), call.position));
    if (length < 1 || length > RANDOM_STRING_MAX) invalid(call, `length must be 1 to ${RANDOM_STRING_MAX}, got ${length}`);
    if (mins.some((m) => m < 0)) invalid(call, 'the minimums must not be negative');
    const required = mins.reduce((a, b) => a + b, 0);
    if (required > length) invalid(call, `the minimums add up to ${required}, more than the length ${length}`);
    // In argument order: numbers, special characters, capitals, lower case.
    const classes = [DIGITS, SPECIAL, UPPER, LOWER].map((chars) => [...chars].filter((c) => !avoid.has(c)).join(''));
    if (classes.some((chars, i) => chars === '' && mins[i]! > 0)) invalid(call, 'charactersToAvoid leaves no character for a required class');
    const all = classes.join('');
    if (all === '') invalid(call, 'charactersToAvoid excludes every character');
    const random = randomOf(state);
    const pick = (chars: string): string => chars[Math.min(chars.length - 1, Math.floor(random() * chars.length))]!;
    const out: string[] = [];
    classes.forEach((chars, i) => {
      for (let n = 0; n < mins[i]!; n += 1) out.push(pick(chars));
    });
    while (out.length < length) out.push(pick(all));
    for (let i = out.length - 1; i > 0; i -= 1) {
      const j = Math.min(i, Math.floor(random() * (i + 1)));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out.join('');
  },
};

export const RANDOM_FUNCTIONS: readonly FunctionSpec[] = [GUID, RANDOM_STRING];
