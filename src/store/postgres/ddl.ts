/** PostgreSQL DDL details: JSONB and native BOOLEAN; every table is heap-organised. */
import type { DdlDetails } from '../migrations/ddl.ts';

export const postgresDdl: DdlDetails = Object.freeze({
  json: 'jsonb',
  boolean: 'boolean',
});
