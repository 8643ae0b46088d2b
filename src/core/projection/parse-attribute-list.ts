/** The `attributes` / `excludedAttributes` query parameters (RFC 7644 §3.4.2.5, §3.9). */

/**
 * Splits a comma-separated attribute list into trimmed names, dropping empty entries; `undefined`
 * and the empty string give an empty list. A comma inside `[…]` or a quoted string belongs to a
 * value filter (`emails[type eq "a,b"]`), not to the list.
 */
export function parseAttributeList(text: string | undefined): string[] {
  if (text === undefined) return [];
  if (!text.includes('[')) return text.split(',').map((name) => name.trim()).filter((name) => name.length > 0);
  const names: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i += 1;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '[') depth += 1;
    else if (c === ']') depth = Math.max(depth - 1, 0);
    else if (c === ',' && depth === 0) {
      names.push(text.slice(start, i));
      start = i + 1;
    }
  }
  names.push(text.slice(start));
  return names.map((name) => name.trim()).filter((name) => name.length > 0);
}
