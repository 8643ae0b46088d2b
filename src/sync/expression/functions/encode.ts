/** Character-level conversions: NormalizeDiacritics, ConvertToBase64 (UTF-16LE), ConvertToUTF8Hex. */
import { argument, nullPropagating, type FunctionSpec } from '../evaluation.ts';
import { toTextOrEmpty } from '../values.ts';

/** Letters that carry no combining mark to strip, folded as Entra's table folds them. */
const FOLDS: Readonly<Record<string, string>> = {
  æ: 'ae',
  Æ: 'AE',
  ø: 'oe',
  Ø: 'OE',
  œ: 'oe',
  Œ: 'OE',
  ß: 'ss',
  ł: 'l',
  Ł: 'L',
  ı: 'i',
  đ: 'd',
  Đ: 'D',
};

const COMBINING_MARK = /[\u0300-\u036f]/g;
const FOLDABLE = /[æÆøØœŒßłŁıđĐ]/g;
/** Printable ASCII has nothing to fold. */
const PLAIN = /^[ -~]*$/;

/**
 * Replaces accented Latin letters with their plain letters: decompose (NFD), drop the combining
 * diacritical marks (U+0300–U+036F), fold the letters in FOLDS, recompose. Scripts whose marks
 * live elsewhere (kana voicing marks, Hangul) are left alone.
 */
export function normalizeDiacritics(value: string): string {
  if (PLAIN.test(value)) return value;
  return value.normalize('NFD').replace(COMBINING_MARK, '').replace(FOLDABLE, (c) => FOLDS[c] ?? c).normalize('NFC');
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (with padding) of a byte list. */
export function base64(bytes: readonly number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += BASE64[(n >> 18) & 63]! + BASE64[(n >> 12) & 63]!;
    out += b === undefined ? '=' : BASE64[(n >> 6) & 63]!;
    out += c === undefined ? '=' : BASE64[n & 63]!;
  }
  return out;
}

/** The UTF-16LE bytes of a string (.NET's "Unicode" encoding). */
export function utf16leBytes(value: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i += 1) {
    const unit = value.charCodeAt(i);
    bytes.push(unit & 0xff, unit >> 8);
  }
  return bytes;
}

/** The UTF-8 bytes of a string; a lone surrogate becomes U+FFFD, as encoders do. */
export function utf8Bytes(value: string): number[] {
  const bytes: number[] = [];
  for (const char of value) {
    let cp = char.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return bytes;
}

const NORMALIZE_DIACRITICS: FunctionSpec = {
  name: 'NormalizeDiacritics',
  params: ['source'],
  implementation: nullPropagating(([source], call) => normalizeDiacritics(toTextOrEmpty(source!, argument(call, 'source'), call.position))),
};

const CONVERT_TO_BASE64: FunctionSpec = {
  name: 'ConvertToBase64',
  params: ['source'],
  implementation: nullPropagating(([source], call) => base64(utf16leBytes(toTextOrEmpty(source!, argument(call, 'source'), call.position)))),
};

/** Upper-case hex digits, two per UTF-8 byte. */
const CONVERT_TO_UTF8_HEX: FunctionSpec = {
  name: 'ConvertToUTF8Hex',
  params: ['source'],
  implementation: nullPropagating(([source], call) =>
    utf8Bytes(toTextOrEmpty(source!, argument(call, 'source'), call.position))
      .map((b) => b.toString(16).toUpperCase().padStart(2, '0'))
      .join(''),
  ),
};

export const ENCODE_FUNCTIONS: readonly FunctionSpec[] = [NORMALIZE_DIACRITICS, CONVERT_TO_BASE64, CONVERT_TO_UTF8_HEX];
