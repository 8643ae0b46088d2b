/**
 * PATCH and `attributes=` paths (RFC 7644 §3.5.2, Figure 7; §3.10):
 *
 *   PATH = attrPath / valuePath [subAttr]
 *
 * e.g. `members`, `name.familyName`, `urn:…:enterprise:2.0:User:manager`, the bare extension URN
 * `urn:…:enterprise:2.0:User` (split at its last colon like any other path; consumers recognise that
 * `uri + ':' + attribute` is a schema id), `members[value eq "2819c223"]` and Entra's
 * `emails[type eq "work"].Value`. Errors are `ScimError(400, 'invalidPath')` with a position.
 */
import { printAttributePath } from '../filter/attribute-path.ts';
import { tokenize } from '../filter/lexer.ts';
import { DEFAULT_FILTER_LIMITS, FilterParser, failWith } from '../filter/parser.ts';
import { printFilter } from '../filter/printer.ts';
import type { PatchPath } from './types.ts';

/** Parses a PATCH / projection path (RFC 7644 §3.5.2); throws 400 `invalidPath` with a position. */
export function parsePath(text: string): PatchPath {
  const fail = failWith('invalidPath', 'path');
  if (text.length > DEFAULT_FILTER_LIMITS.maxLength) {
    fail(
      DEFAULT_FILTER_LIMITS.maxLength + 1,
      `the path is ${text.length} characters long, over the limit of ${DEFAULT_FILTER_LIMITS.maxLength}`,
    );
  }
  const parser = new FilterParser(tokenize(text, fail), fail, DEFAULT_FILTER_LIMITS.maxDepth, 'path');
  const first = parser.next();
  if (first.kind === 'end') fail(1, 'the path is empty; expected an attribute such as "name.familyName"');
  if (first.kind !== 'word') {
    fail(first.position, `expected an attribute name, found ${parser.describe(first)}`);
  }
  const attribute = parser.attributePathOf(first, false);
  if (parser.peek().kind !== '[') {
    expectEnd(parser);
    return Object.freeze({ attribute });
  }
  if (attribute.subAttribute !== undefined) {
    fail(parser.peek().position, `a value filter "[…]" must follow an attribute without a sub-attribute, not "${first.text}"`);
  }
  const valueFilter = parser.parseValueFilter();
  const tail = parser.peek();
  if (tail.kind !== 'subAttribute') {
    expectEnd(parser);
    return Object.freeze({ attribute, valueFilter });
  }
  parser.next();
  expectEnd(parser);
  return Object.freeze({ attribute, valueFilter, subAttribute: tail.text.slice(1) });
}

function expectEnd(parser: FilterParser): void {
  const token = parser.peek();
  if (token.kind === 'end') return;
  const expected =
    token.kind === 'subAttribute'
      ? 'a sub-attribute may follow only "]"; write "name.familyName" as one word'
      : 'expected the end of the path';
  const hint = /^(eq|ne|co|sw|ew|gt|ge|lt|le|pr)$/i.test(token.text)
    ? '; a path is not a filter: select elements with a value filter, as in emails[type eq "work"]'
    : '';
  parser.fail(token.position, `${expected}, found ${parser.describe(token)}${hint}`);
}

/** The canonical text of a path: `[uri:]attr[.sub]`, `attr[filter]` or `attr[filter].sub`. */
export function printPath(path: PatchPath): string {
  const head = printAttributePath(path.attribute);
  if (path.valueFilter === undefined) return head;
  const filtered = `${head}[${printFilter(path.valueFilter)}]`;
  return path.subAttribute === undefined ? filtered : `${filtered}.${path.subAttribute}`;
}
