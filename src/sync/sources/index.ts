/** Builds the source a configuration names. */
import type { SourceConfig } from '../config-schema.ts';
import { createFileSource } from './file.ts';
import { createLdapSource } from './ldap.ts';
import { createScimSource } from './scim.ts';
import type { Source } from './types.ts';

export function createSource(config: SourceConfig, role: 'Users' | 'Groups'): Source {
  switch (config.type) {
    case 'csv':
    case 'json':
      return createFileSource(config);
    case 'ldap':
      return createLdapSource(config);
    case 'scim':
      return createScimSource(config, role);
  }
}
