/**
 * dateTime values (RFC 7643 §2.3.5: an xsd:dateTime such as `2011-05-13T04:42:34Z`) as instants, so
 * filters compare them chronologically (RFC 7644 §3.4.2.2) whatever offset or precision was written.
 */

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * Milliseconds since the epoch for an xsd:dateTime, or `undefined` when `text` is not one.
 * A value without an offset is read as UTC; digits beyond milliseconds are dropped.
 */
export function parseDateTime(text: string): number | undefined {
  const m = DATE_TIME.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z' && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4)) > 59)) return undefined;
  const instant = Date.parse(zone === undefined ? `${text}Z` : text);
  return Number.isNaN(instant) ? undefined : instant;
}
