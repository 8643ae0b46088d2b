import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSchemaRegistry, validateSchemaDefinition } from '../schema/registry.ts';
import { resourceTypeById, resourceTypesResponse, schemaById, schemasResponse } from './discovery.ts';
import { serviceProviderConfig } from './service-provider-config.ts';

const BASE = 'https://scim.example.com/scim/v2/';
const acme = validateSchemaDefinition({
  id: 'urn:example:params:scim:schemas:extension:acme:2.0:User',
  description: 'Acme fields',
  attributes: [{ name: 'badge', type: 'integer', description: 'Badge number' }],
});
const registry = createSchemaRegistry({ userExtensions: [acme] });

/** True when a JSON value holds a null anywhere (Entra rejects them in discovery documents). */
const hasNull = (value: unknown): boolean =>
  value === null || (typeof value === 'object' && Object.values(value as object).some(hasNull));

describe('schemasResponse', () => {
  it('lists the core, enterprise and custom schemas as a ListResponse', () => {
    const list = schemasResponse(registry, BASE);
    assert.deepEqual(list.schemas, ['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    assert.deepEqual(
      list.Resources.map((r) => r['id']),
      [
        'urn:ietf:params:scim:schemas:core:2.0:User',
        'urn:ietf:params:scim:schemas:core:2.0:Group',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
        'urn:example:params:scim:schemas:extension:acme:2.0:User',
      ],
    );
    assert.equal(list.totalResults, 4);
    assert.equal(list.itemsPerPage, 4);
    assert.equal(list.startIndex, 1);
    assert.ok(!hasNull(list), 'no nulls in discovery documents');
  });

  it('renders each attribute with every characteristic, in camelCase', () => {
    const user = schemaById(registry, BASE, 'urn:ietf:params:scim:schemas:core:2.0:User');
    const attributes = user?.['attributes'] as Record<string, unknown>[];
    assert.deepEqual(attributes.find((a) => a['name'] === 'userName'), {
      name: 'userName',
      type: 'string',
      multiValued: false,
      required: true,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'server',
    });
    const emails = attributes.find((a) => a['name'] === 'emails');
    const type = (emails?.['subAttributes'] as Record<string, unknown>[]).find((s) => s['name'] === 'type');
    assert.deepEqual(type?.['canonicalValues'], ['work', 'home', 'other']);
  });

  it('looks a schema up by id in any case, with meta.location under the base URL', () => {
    const doc = schemaById(registry, BASE, 'URN:EXAMPLE:params:scim:schemas:extension:acme:2.0:user');
    assert.deepEqual(doc, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
      id: 'urn:example:params:scim:schemas:extension:acme:2.0:User',
      name: 'User',
      description: 'Acme fields',
      attributes: [
        {
          name: 'badge', type: 'integer', multiValued: false, description: 'Badge number', required: false,
          caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none',
        },
      ],
      meta: {
        resourceType: 'Schema',
        location: 'https://scim.example.com/scim/v2/Schemas/urn:example:params:scim:schemas:extension:acme:2.0:User',
      },
    });
    assert.equal(schemaById(registry, BASE, 'urn:nope'), undefined);
  });
});

describe('resourceTypesResponse', () => {
  it('lists User with its extensions and Group, with meta', () => {
    const list = resourceTypesResponse(registry, BASE);
    assert.equal(list.totalResults, 2);
    assert.deepEqual(list.Resources[0], {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'User Account',
      schema: 'urn:ietf:params:scim:schemas:core:2.0:User',
      schemaExtensions: [
        { schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', required: false },
        { schema: 'urn:example:params:scim:schemas:extension:acme:2.0:User', required: false },
      ],
      meta: { resourceType: 'ResourceType', location: 'https://scim.example.com/scim/v2/ResourceTypes/User' },
    });
    assert.ok(!hasNull(list));
  });

  it('looks a resource type up by id in any case', () => {
    assert.equal(resourceTypeById(registry, BASE, 'group')?.['endpoint'], '/Groups');
    assert.equal(resourceTypeById(registry, BASE, 'Device'), undefined);
  });
});

describe('serviceProviderConfig', () => {
  it('advertises patch, bulk, filter, sort, etag and bearer-token authentication with meta', () => {
    const config = serviceProviderConfig({
      baseUrl: 'https://scim.example.com/scim/v2',
      bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 200 },
    });
    assert.deepEqual(config, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [
        {
          type: 'oauthbearertoken',
          name: 'OAuth Bearer Token',
          description: 'Send the SCIM API key of the organization in the Authorization header as "Bearer <key>".',
          specUri: 'https://www.rfc-editor.org/info/rfc6750',
          primary: true,
        },
      ],
      meta: { resourceType: 'ServiceProviderConfig', location: 'https://scim.example.com/scim/v2/ServiceProviderConfig' },
    });
  });

  it('carries the documentation URI, RFC 9865 pagination and overridden switches', () => {
    const config = serviceProviderConfig({
      baseUrl: BASE,
      documentationUri: 'https://docs.example.com/scim',
      patch: false,
      changePassword: true,
      sort: false,
      etag: false,
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: 100 },
      pagination: { cursor: true, index: true, defaultPaginationMethod: 'index', defaultPageSize: 100, maxPageSize: 1000, cursorTimeout: 3600 },
    });
    assert.equal(config['documentationUri'], 'https://docs.example.com/scim');
    assert.deepEqual(config['patch'], { supported: false });
    assert.deepEqual(config['changePassword'], { supported: true });
    assert.deepEqual(config['pagination'], {
      cursor: true, index: true, defaultPaginationMethod: 'index', defaultPageSize: 100, maxPageSize: 1000, cursorTimeout: 3600,
    });
    assert.deepEqual(config['meta'], { resourceType: 'ServiceProviderConfig', location: 'https://scim.example.com/scim/v2/ServiceProviderConfig' });
  });
});
