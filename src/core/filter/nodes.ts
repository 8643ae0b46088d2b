/**
 * The filter AST (RFC 7644 §3.4.2.2): a discriminated union of frozen nodes tagged by `kind`, each
 * with a tiny factory. The parser builds it; the in-memory matcher, the printer and the SQL compiler
 * in the store are visitors over the same tree.
 */

/** Comparison operators of RFC 7644 §3.4.2.2, Table 3 (`pr` is its own node). */
export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

/**
 * A literal compared against. dateTime literals arrive as strings (RFC 7643 §2.3.5); whether a string
 * is compared as a dateTime is decided by the attribute's schema type.
 */
export type FilterValue = string | number | boolean | null;

/**
 * An attribute reference as written in a filter or path (RFC 7644 §3.10): an optional schema URN,
 * an attribute name and an optional sub-attribute name. Names keep the client's spelling; every
 * consumer resolves them case-insensitively against the schemas.
 */
export interface AttributePath {
  readonly uri?: string;
  readonly attribute: string;
  readonly subAttribute?: string;
}

export interface CompareNode {
  readonly kind: 'compare';
  readonly path: AttributePath;
  readonly op: CompareOperator;
  readonly value: FilterValue;
}

export interface PresentNode {
  readonly kind: 'present';
  readonly path: AttributePath;
}

export interface AndNode {
  readonly kind: 'and';
  readonly left: Filter;
  readonly right: Filter;
}

export interface OrNode {
  readonly kind: 'or';
  readonly left: Filter;
  readonly right: Filter;
}

export interface NotNode {
  readonly kind: 'not';
  readonly filter: Filter;
}

/**
 * `emails[type eq "work" and value co "@x.com"]`: `path` names the (multi-valued) complex attribute,
 * and `filter`'s paths are relative to its sub-attributes (their `attribute` is the sub-attribute name,
 * with no `uri` and no `subAttribute`).
 */
export interface ValuePathNode {
  readonly kind: 'valuePath';
  readonly path: AttributePath;
  readonly filter: Filter;
}

export type Filter = CompareNode | PresentNode | AndNode | OrNode | NotNode | ValuePathNode;

export const attributePath = (attribute: string, subAttribute?: string, uri?: string): AttributePath =>
  Object.freeze({
    ...(uri === undefined ? {} : { uri }),
    attribute,
    ...(subAttribute === undefined ? {} : { subAttribute }),
  });

export const compare = (path: AttributePath, op: CompareOperator, value: FilterValue): CompareNode =>
  Object.freeze({ kind: 'compare', path, op, value });

export const present = (path: AttributePath): PresentNode => Object.freeze({ kind: 'present', path });

export const and = (left: Filter, right: Filter): AndNode => Object.freeze({ kind: 'and', left, right });

export const or = (left: Filter, right: Filter): OrNode => Object.freeze({ kind: 'or', left, right });

export const not = (filter: Filter): NotNode => Object.freeze({ kind: 'not', filter });

export const valuePath = (path: AttributePath, filter: Filter): ValuePathNode =>
  Object.freeze({ kind: 'valuePath', path, filter });
