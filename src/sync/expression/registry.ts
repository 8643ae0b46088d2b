/** Every function of the language, found by name case-insensitively. */
import type { FunctionSpec } from './evaluation.ts';
import { DATE_FUNCTIONS } from './functions/dates.ts';
import { ENCODE_FUNCTIONS } from './functions/encode.ts';
import { LOGIC_FUNCTIONS } from './functions/logic.ts';
import { MULTI_FUNCTIONS } from './functions/multi.ts';
import { RANDOM_FUNCTIONS } from './functions/random.ts';
import { REPLACE_FUNCTIONS } from './functions/replace.ts';
import { TEXT_FUNCTIONS } from './functions/text.ts';

const ALL: readonly FunctionSpec[] = [...LOGIC_FUNCTIONS, ...TEXT_FUNCTIONS, ...MULTI_FUNCTIONS, ...DATE_FUNCTIONS, ...ENCODE_FUNCTIONS, ...RANDOM_FUNCTIONS, ...REPLACE_FUNCTIONS];

const BY_NAME: ReadonlyMap<string, FunctionSpec> = new Map(ALL.map((spec) => [spec.name.toLowerCase(), spec]));

/** The function called `name` (any case), or undefined. */
export function findFunction(name: string): FunctionSpec | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** The canonical names of every function, sorted. */
export const FUNCTION_NAMES: readonly string[] = ALL.map((spec) => spec.name).sort((a, b) => a.localeCompare(b));
