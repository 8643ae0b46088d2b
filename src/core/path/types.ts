/**
 * A PATCH / projection attribute path (RFC 7644 §3.5.2, §3.10):
 * `attr`, `attr.sub`, `urn:…:Schema:attr[.sub]`, `attr[valueFilter]`, `attr[valueFilter].sub`.
 */
import type { AttributePath, Filter } from '../filter/nodes.ts';

export interface PatchPath {
  /** The attribute (with its optional URN); `subAttribute` is set only without a value filter. */
  readonly attribute: AttributePath;
  /** The `[valueFilter]` selecting elements of a multi-valued attribute, when present. */
  readonly valueFilter?: Filter;
  /** The sub-attribute after `]`, e.g. `value` in `emails[type eq "work"].value`. */
  readonly subAttribute?: string;
}
