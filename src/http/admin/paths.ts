/** Where the APIs live, for routes that point at each other. */

/** The admin API's prefix. */
export const ADMIN_PREFIX = '/api/v1';
/** The SCIM API's path under the public origin (the Tenant URL). */
export const SCIM_PREFIX_PATH = '/scim/v2';
