/**
 * Dates: CDate, Now, DateAdd, DateDiff, DateFromNum, NumFromDate, FormatDateTime. Dates are instants
 * in UTC; they print as `M/d/yyyy h:mm:ss tt` wherever a string is needed. DateAdd and DateDiff
 * follow VBA's interval rules (yyyy q m y d w ww h n s).
 */
import { ExpressionError } from '../expression-error.ts';
import { argument, nullPropagating, strict, type Call, type FunctionSpec } from '../evaluation.ts';
import { DateTimeValue, describeValue, toNumber, toText, toTextOrEmpty, type Value } from '../values.ts';
import { formatDate, parseDateExact, tokenizeFormat } from './date-format.ts';
import { parseDateText } from './date-parse.ts';

const DAY_MS = 86_400_000;
/** 100-ns ticks between 1601-01-01 (the Windows FILETIME epoch) and 1970-01-01. */
const FILETIME_EPOCH_OFFSET = 116_444_736_000_000_000n;
const TICKS_PER_MS = 10_000n;

function typeError(call: Call, message: string): never {
  throw new ExpressionError('type', `${call.name}: ${message}`, call.position);
}

/** A date from a date value or a date string CDate would accept. */
function toDateMs(value: Value, call: Call, param: string): number {
  if (value instanceof DateTimeValue) return value.ms;
  const text = typeof value === 'string' ? value : null;
  const ms = text === null ? undefined : parseDateText(text);
  if (ms === undefined) typeError(call, `${param} must be a date (wrap a string in CDate), got ${describeValue(value)}`);
  return ms;
}

function interval(value: Value, call: Call): string {
  const text = toTextOrEmpty(value, argument(call, 'interval'), call.position);
  const known = ['yyyy', 'q', 'm', 'y', 'd', 'w', 'ww', 'h', 'n', 's'];
  if (!known.includes(text.toLowerCase())) {
    throw new ExpressionError('invalidArgument', `${call.name}: interval must be one of yyyy, m, d, ww, h, n, s (or q, y, w), got ${JSON.stringify(text)}`, call.position);
  }
  return text.toLowerCase();
}

const isLeap = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Adds calendar months, keeping the day of the month but clipping it to the target month's length. */
function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const length = month === 1 && isLeap(year) ? 29 : DAYS_IN_MONTH[month]!;
  d.setUTCFullYear(year, month, Math.min(d.getUTCDate(), length));
  return d.getTime();
}

const UNIT_MS: Readonly<Record<string, number>> = { y: DAY_MS, d: DAY_MS, w: DAY_MS, ww: 7 * DAY_MS, h: 3_600_000, n: 60_000, s: 1000 };

const NOW: FunctionSpec = {
  name: 'Now',
  params: [],
  implementation: () => (state) => new DateTimeValue((state.context.now?.() ?? new Date()).getTime()),
};

const CDATE: FunctionSpec = {
  name: 'CDate',
  params: ['expression'],
  implementation: nullPropagating(([value], call) => new DateTimeValue(toDateMs(value!, call, 'expression'))),
};

/** DateAdd(interval, number, dateTime): months and years keep the day, clipped to the month's last day. */
const DATE_ADD: FunctionSpec = {
  name: 'DateAdd',
  params: ['interval', 'value', 'dateTime'],
  implementation: strict(([unit, amount, date], call) => {
    const name = interval(unit!, call);
    if (date === null || amount === null) return null;
    const n = Math.trunc(toNumber(amount!, argument(call, 'value'), call.position));
    const ms = toDateMs(date!, call, 'dateTime');
    const result = name === 'yyyy' ? addMonths(ms, 12 * n) : name === 'q' ? addMonths(ms, 3 * n) : name === 'm' ? addMonths(ms, n) : ms + n * UNIT_MS[name]!;
    if (!Number.isFinite(result) || Math.abs(result) > 8.64e15) typeError(call, 'the result is out of the range of dates');
    return new DateTimeValue(result);
  }),
};

function calendarWeekStart(ms: number): number {
  return ms - new Date(ms).getUTCDay() * DAY_MS;
}

/** DateDiff(interval, date1, date2): date2 − date1 counted in the interval, positive when date2 is later. */
const DATE_DIFF: FunctionSpec = {
  name: 'DateDiff',
  params: ['interval', 'date1', 'date2'],
  implementation: strict(([unit, first, second], call) => {
    const name = interval(unit!, call);
    if (first === null || second === null) return null;
    const a = toDateMs(first!, call, 'date1');
    const b = toDateMs(second!, call, 'date2');
    const da = new Date(a);
    const db = new Date(b);
    const years = db.getUTCFullYear() - da.getUTCFullYear();
    switch (name) {
      case 'yyyy':
        return years;
      case 'q':
        return years * 4 + Math.floor(db.getUTCMonth() / 3) - Math.floor(da.getUTCMonth() / 3);
      case 'm':
        return years * 12 + db.getUTCMonth() - da.getUTCMonth();
      case 'w':
        return Math.trunc((b - a) / (7 * DAY_MS));
      case 'ww':
        // Calendar weeks: the number of Sundays crossed.
        return Math.trunc(Math.trunc((calendarWeekStart(b) - calendarWeekStart(a)) / DAY_MS) / 7);
      default:
        return Math.trunc((b - a) / UNIT_MS[name]!) + 0;
    }
  }),
};

/** AD's large-integer dates (FILETIME: 100-ns ticks since 1601-01-01 UTC) to a date. */
const DATE_FROM_NUM: FunctionSpec = {
  name: 'DateFromNum',
  params: ['value'],
  implementation: nullPropagating(([value], call) => {
    const text = toText(value!, argument(call, 'value'), call.position)!.trim();
    if (!/^-?\d+$/.test(text)) typeError(call, `value must be a whole number of 100-ns ticks since 1601, got ${describeValue(value!)}`);
    const ms = Number((BigInt(text) - FILETIME_EPOCH_OFFSET) / TICKS_PER_MS);
    if (Math.abs(ms) > 8.64e15 || ms > 253_402_300_799_999) typeError(call, `${text} is beyond the last date (9999-12-31); AD uses it for "never"`);
    return new DateTimeValue(ms);
  }),
};

/** A date (or an ISO 8601 string) to AD's FILETIME ticks, as for accountExpires. */
const NUM_FROM_DATE: FunctionSpec = {
  name: 'NumFromDate',
  params: ['value'],
  implementation: nullPropagating(([value], call) => Number(BigInt(toDateMs(value!, call, 'value')) * TICKS_PER_MS + FILETIME_EPOCH_OFFSET)),
};

const DATE_TIME_STYLES = new Set(
  ['None', 'AllowLeadingWhite', 'AllowTrailingWhite', 'AllowInnerWhite', 'AllowWhiteSpaces', 'NoCurrentDateDefault', 'AdjustToUniversal', 'AssumeLocal', 'AssumeUniversal', 'RoundtripKind'].map((s) => s.toLowerCase()),
);

function checkStyles(value: Value, call: Call): void {
  const text = toText(value, argument(call, 'dateTimeStyles'), call.position);
  if (text === null || text.trim() === '') return;
  for (const style of text.split(/[,|]/)) {
    const name = style.trim().replace(/^DateTimeStyles\./i, '').toLowerCase();
    if (!DATE_TIME_STYLES.has(name)) {
      throw new ExpressionError('invalidArgument', `FormatDateTime: unknown dateTimeStyles value ${JSON.stringify(style.trim())}`, call.position);
    }
  }
}

function checkFormat(format: string, call: Call, param: string, position = call.position): void {
  try {
    tokenizeFormat(format);
  } catch (error) {
    throw new ExpressionError('invalidArgument', `FormatDateTime: ${param}: ${(error as Error).message}`, position);
  }
}

/**
 * FormatDateTime(source, dateTimeStyles, inputFormat, outputFormat): reads `source` in the .NET
 * inputFormat and writes it in outputFormat. The older three-argument form without dateTimeStyles
 * is accepted too.
 */
const FORMAT_DATE_TIME: FunctionSpec = {
  name: 'FormatDateTime',
  params: ['source', 'dateTimeStyles', 'inputFormat', 'outputFormat'],
  min: 3,
  optional: [1],
  implementation: (call) => {
    const withStyles = call.args.length === 4;
    if (!withStyles && call.args[1] === undefined) {
      throw new ExpressionError(
        'missingArgument',
        'FormatDateTime: with three arguments they are (source, inputFormat, outputFormat) and inputFormat may not be left empty; write FormatDateTime(source, , inputFormat, outputFormat) to leave dateTimeStyles empty',
        call.nodes[1]!.position,
      );
    }
    const [source, styles, input, output] = withStyles ? call.args : [call.args[0], undefined, call.args[1], call.args[2]];
    // Literal formats are checked once, here, so a typo is reported when the mapping is saved.
    const offset = withStyles ? 2 : 1;
    call.nodes.slice(offset).forEach((node, i) => {
      if (node.kind === 'string') checkFormat(node.value, call, i === 0 ? 'inputFormat' : 'outputFormat', node.position);
    });
    return (state) => {
      if (styles !== undefined) checkStyles(styles(state), call);
      const inputFormat = toTextOrEmpty(input!(state), argument(call, 'inputFormat'), call.position);
      const outputFormat = toTextOrEmpty(output!(state), argument(call, 'outputFormat'), call.position);
      checkFormat(inputFormat, call, 'inputFormat');
      checkFormat(outputFormat, call, 'outputFormat');
      const value = source!(state);
      if (value === null) return null;
      let ms: number | undefined;
      if (value instanceof DateTimeValue) ms = value.ms;
      else {
        const text = toTextOrEmpty(value, argument(call, 'source'), call.position);
        ms = parseDateExact(text, inputFormat);
        if (ms === undefined) typeError(call, `${JSON.stringify(text)} does not match the input format ${JSON.stringify(inputFormat)}`);
      }
      return formatDate(ms, outputFormat);
    };
  },
};

export const DATE_FUNCTIONS: readonly FunctionSpec[] = [NOW, CDATE, DATE_ADD, DATE_DIFF, DATE_FROM_NUM, NUM_FROM_DATE, FORMAT_DATE_TIME];
