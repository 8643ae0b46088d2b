/**
 * Attribute references as written in filters and paths (RFC 7644 §3.10):
 * `[URI ":"] ATTRNAME ["." subAttr]`. A schema URN is split from the attribute at its LAST colon,
 * so `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value` names the `manager`
 * attribute's `value` of the Enterprise User extension.
 */
import { attributePath } from './nodes.ts';
import type { AttributePath } from './nodes.ts';

/** ATTRNAME of RFC 7644 §3.10 (ALPHA then ALPHA / DIGIT / "-" / "_"), plus the reserved `$ref`. */
const ATTRIBUTE_NAME = /^(?:[A-Za-z][A-Za-z0-9_-]*|\$[Rr][Ee][Ff])$/;

/** True when `name` is a valid attribute or sub-attribute name. */
export const isAttributeName = (name: string): boolean => ATTRIBUTE_NAME.test(name);

/** Why `text` is not an attribute path, or the path it spells. */
export type AttributePathResult =
  | { readonly ok: true; readonly path: AttributePath }
  | { readonly ok: false; readonly reason: string };

/** Splits a written attribute path into URI, attribute and sub-attribute, without schema lookups. */
export function splitAttributePath(text: string): AttributePathResult {
  const colon = text.lastIndexOf(':');
  const uri = colon >= 0 ? text.slice(0, colon) : undefined;
  const rest = colon >= 0 ? text.slice(colon + 1) : text;
  if (uri !== undefined && (uri === '' || rest === '')) {
    return { ok: false, reason: `"${text}" is not an attribute path: expected "<schema URN>:<attribute>"` };
  }
  const parts = rest.split('.');
  if (parts.length > 2) {
    return { ok: false, reason: `"${text}" is not an attribute path: at most one sub-attribute may follow an attribute` };
  }
  const bad = parts.find((part) => !isAttributeName(part));
  if (bad !== undefined) {
    return {
      ok: false,
      reason: `"${text}" is not an attribute path: "${bad}" is not an attribute name (a letter, then letters, digits, "-" or "_")`,
    };
  }
  return { ok: true, path: attributePath(parts[0] as string, parts[1], uri) };
}

/** The canonical text of an attribute path: `[uri:]attribute[.subAttribute]`. */
export function printAttributePath(path: AttributePath): string {
  const head = path.uri === undefined ? path.attribute : `${path.uri}:${path.attribute}`;
  return path.subAttribute === undefined ? head : `${head}.${path.subAttribute}`;
}
