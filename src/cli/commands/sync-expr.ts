/**
 * `scimd sync expr`: evaluates one expression against a JSON object and prints the value as JSON,
 * or, with --stdin, evaluates JSON lines `{"expression", "input", "now"?, "targetExisting"?}` and
 * writes one JSON line each: `{"value": …}`, `{"flow": false}` (IgnoreFlowIfNullOrEmpty dropped the
 * attribute) or `{"error": "…", "code": "…", "position": n}`.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { compileExpression, isExpressionError, type CompiledExpression, type ExpressionContext } from '../../sync/expression/index.ts';
import { UsageError } from './admin.ts';
import type { SyncCommandIo } from './sync.ts';

export const SYNC_EXPR_USAGE = `Usage: scimd sync expr '<expression>' [--input '<json object>'] [--now <iso date>] [--target-existing '<json array>']
       scimd sync expr --stdin

Evaluates an attribute-mapping expression in Entra ID's language (see docs/sync-expressions.md).

  --input <json>            the source object, e.g. '{"givenName":"Ada","sn":"Lovelace"}' (default {})
  --now <iso date>          pins Now(), e.g. 2024-01-31T12:00:00Z
  --target-existing <json>  values SelectUniqueValue must treat as taken, e.g. '["ada@x.example"]'
  --stdin                   read JSON lines {"expression", "input", "now"?, "targetExisting"?} and
                            write one line each: {"value": …}, {"flow": false} or {"error", "code", "position"}

Prints the value as JSON and exits 0; {"flow":false} means IgnoreFlowIfNullOrEmpty leaves the
attribute out. An invalid expression prints the error with a caret under its position and exits 1.`;

const OPTIONS = {
  input: { type: 'string' },
  now: { type: 'string' },
  'target-existing': { type: 'string' },
  stdin: { type: 'boolean', default: false },
} as const;

/** Reads an ISO date for `now`; undefined when absent, an Error message when invalid. */
function readNow(value: unknown): Date | string | undefined {
  if (value === undefined || value === null) return undefined;
  const date = typeof value === 'string' ? new Date(value) : new Date(NaN);
  return Number.isNaN(date.getTime()) ? `"now" must be an ISO 8601 date, got ${JSON.stringify(value)}` : date;
}

function readInput(value: unknown): Record<string, unknown> | string {
  if (value === undefined || value === null) return {};
  return typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : '"input" must be a JSON object';
}

function readTaken(value: unknown): ReadonlySet<string> | string | undefined {
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? new Set(value) : '"targetExisting" must be an array of strings';
}

/** Builds the evaluation context from the JSON fields; a string is the problem with them. */
function contextOf(fields: { input?: unknown; now?: unknown; targetExisting?: unknown }): ExpressionContext | string {
  const attributes = readInput(fields.input);
  const now = readNow(fields.now);
  const taken = readTaken(fields.targetExisting);
  for (const problem of [attributes, now, taken]) if (typeof problem === 'string') return problem;
  return {
    attributes: attributes as Record<string, unknown>,
    ...(now instanceof Date ? { now: () => now } : {}),
    ...(taken instanceof Set ? { targetExisting: (value: string) => taken.has(value) } : {}),
  };
}

/** The line of `text` holding `position`, and a caret under it. */
export function caretAt(text: string, position: number): string {
  const start = text.lastIndexOf('\n', Math.max(0, position - 1)) + 1;
  const nextBreak = text.indexOf('\n', position);
  const line = text.slice(start, nextBreak < 0 ? text.length : nextBreak);
  return `  ${line}\n  ${' '.repeat(Math.max(0, position - start))}^`;
}

function parseJson(text: string, flag: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${flag} is not valid JSON: ${(error as Error).message}`);
  }
}

async function single(expression: string, values: { input?: string; now?: string; 'target-existing'?: string }, { io }: SyncCommandIo): Promise<number> {
  const context = contextOf({
    input: values.input === undefined ? undefined : parseJson(values.input, '--input'),
    now: values.now,
    targetExisting: values['target-existing'] === undefined ? undefined : parseJson(values['target-existing'], '--target-existing'),
  });
  if (typeof context === 'string') throw new UsageError(context.replace(/"(input|now|targetExisting)"/, (_, f: string) => `--${f === 'targetExisting' ? 'target-existing' : f}`));
  try {
    const result = compileExpression(expression).evaluate(context);
    io.out(JSON.stringify(result.flow ? result.value : { flow: false }));
    return 0;
  } catch (error) {
    if (!isExpressionError(error)) throw error;
    io.err(`scimd: ${error.message} (${error.code} at position ${error.position})\n${caretAt(expression, error.position)}`);
    return 1;
  }
}

/** Evaluates one JSON line; compiled expressions are reused across lines. */
function evaluateLine(line: string, cache: Map<string, CompiledExpression>): Record<string, unknown> {
  let request: unknown;
  try {
    request = JSON.parse(line);
  } catch (error) {
    return { error: `the line is not JSON: ${(error as Error).message}`, code: 'invalidRequest' };
  }
  if (typeof request !== 'object' || request === null || typeof (request as { expression?: unknown }).expression !== 'string') {
    return { error: 'each line must be a JSON object with a string "expression"', code: 'invalidRequest' };
  }
  const fields = request as { expression: string; input?: unknown; now?: unknown; targetExisting?: unknown };
  const context = contextOf(fields);
  if (typeof context === 'string') return { error: context, code: 'invalidRequest' };
  try {
    let compiled = cache.get(fields.expression);
    if (compiled === undefined) {
      compiled = compileExpression(fields.expression);
      if (cache.size >= 1000) cache.clear();
      cache.set(fields.expression, compiled);
    }
    const result = compiled.evaluate(context);
    return result.flow ? { value: result.value } : { flow: false };
  } catch (error) {
    if (!isExpressionError(error)) throw error;
    return { error: error.message, code: error.code, position: error.position };
  }
}

async function lines({ io, stdin }: SyncCommandIo): Promise<number> {
  const cache = new Map<string, CompiledExpression>();
  for await (const line of createInterface({ input: stdin, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    const out = JSON.stringify(evaluateLine(line, cache));
    if (io.write !== undefined) await io.write(`${out}\n`);
    else io.out(out);
  }
  return 0;
}

/** Runs `scimd sync expr …`; returns the exit code. */
export async function syncExprCommand(args: readonly string[], deps: SyncCommandIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: true });
  if (values.stdin) {
    if (positionals.length > 0 || values.input !== undefined || values.now !== undefined || values['target-existing'] !== undefined) {
      throw new UsageError('--stdin reads everything from its JSON lines: give no expression and no --input, --now or --target-existing');
    }
    return lines(deps);
  }
  if (positionals.length !== 1) throw new UsageError(`sync expr takes one expression (quote it), got ${positionals.length}`);
  return single(positionals[0]!, values, deps);
}
