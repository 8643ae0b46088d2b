/** The `attributes` / `excludedAttributes` query parameters (RFC 7644 §3.4.2.5, §3.9). */

/**
 * Splits a comma-separated attribute list into trimmed names, dropping empty entries; `undefined`
 * and the empty string give an empty list.
 */
export function parseAttributeList(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}
