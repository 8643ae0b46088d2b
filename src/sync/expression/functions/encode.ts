/** Character-level conversions: NormalizeDiacritics, ConvertToBase64 (UTF-16LE), ConvertToUTF8Hex. */
import { argument, nullPropagating, type FunctionSpec } from '../evaluation.ts';
import { toTextOrEmpty } from '../values.ts';
import { base64, utf16leBytes, utf8Bytes } from '../bytes.ts';

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
