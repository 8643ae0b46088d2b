/** Multi-valued attributes: Split, Item, Count, RemoveDuplicates, and the app-role functions. */
import { ExpressionError } from '../expression-error.ts';
import { argument, nullPropagating, strict, type FunctionSpec } from '../evaluation.ts';
import { toInteger, toList, toText, toTextOrEmpty, type Value } from '../values.ts';

/** Splits on every occurrence of the delimiter (no trimming, so Join and Split are inverses). */
const SPLIT: FunctionSpec = {
  name: 'Split',
  params: ['source', 'delimiter'],
  implementation: nullPropagating(([source, delimiter], call) => {
    const value = toTextOrEmpty(source!, argument(call, 'source'), call.position);
    const separator = toTextOrEmpty(delimiter!, argument(call, 'delimiter'), call.position);
    return separator === '' ? [value] : value.split(separator);
  }),
};

/** The index-th value, 1-based; past the end gives null. */
const ITEM: FunctionSpec = {
  name: 'Item',
  params: ['attribute', 'index'],
  implementation: strict(([source, index], call) => {
    const n = toInteger(index!, argument(call, 'index'), call.position);
    if (n < 1) throw new ExpressionError('invalidArgument', `Item: index is 1-based (the first value is 1), got ${n}`, call.position);
    return toList(source!)[n - 1] ?? null;
  }),
};

const COUNT: FunctionSpec = { name: 'Count', params: ['attribute'], implementation: strict(([source]) => toList(source!).length) };

/** Keeps the first of equal values (compared as strings, case-sensitively), in order. */
const REMOVE_DUPLICATES: FunctionSpec = {
  name: 'RemoveDuplicates',
  params: ['attribute'],
  implementation: nullPropagating(([source], call) => {
    if (!Array.isArray(source)) return source!;
    const seen = new Set<string>();
    const kept: Value[] = [];
    for (const item of source as readonly Value[]) {
      const key = JSON.stringify(toText(item, argument(call, 'attribute'), call.position));
      if (!seen.has(key)) {
        seen.add(key);
        kept.push(item);
      }
    }
    return kept;
  }),
};

/**
 * One role name out of the source's role list: scimd sources carry roles as plain strings (a CSV or
 * LDAP column), so this returns the first one (Entra leaves the choice undefined when there are several).
 */
const SINGLE_APP_ROLE_ASSIGNMENT: FunctionSpec = {
  name: 'SingleAppRoleAssignment',
  params: ['appRoleAssignments'],
  implementation: strict(([source], call) => {
    const first = toList(source!)[0];
    return first === undefined ? null : toText(first, argument(call, 'appRoleAssignments'), call.position);
  }),
};

const APP_ROLE_ASSIGNMENTS_COMPLEX: FunctionSpec = {
  name: 'AppRoleAssignmentsComplex',
  params: ['appRoleAssignments'],
  unsupported:
    'AppRoleAssignmentsComplex is not supported: it builds complex SCIM "roles" values from Entra app-role assignments, which scimd sources do not have; map a roles column with Split or SingleAppRoleAssignment instead',
  implementation: () => () => null,
};

export const MULTI_FUNCTIONS: readonly FunctionSpec[] = [SPLIT, ITEM, COUNT, REMOVE_DUPLICATES, SINGLE_APP_ROLE_ASSIGNMENT, APP_ROLE_ASSIGNMENTS_COMPLEX];
