/**
 * Adding or replacing an extension schema: the RFC 7643 §7 definition as JSON, the resource type
 * it extends and whether resources must carry it, sent as `PUT …/schemas/{urn}`. A definition
 * that is not JSON is caught here; everything else is the server's validation, whose detail names
 * the field — the field is marked invalid and named under it.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, orgPath } from '../api/client';
import type { SchemaExtension, SchemaExtensionInput } from '../api/types';
import { Dialog } from '../components/dialog';
import { ErrorMessage } from '../components/ui';

/** What the dialog edits: a new schema (`schema` undefined) or a registered one. */
export interface SchemaEditing {
  readonly schema?: SchemaExtension;
  readonly readOnly?: boolean;
}

const TEMPLATE = {
  name: 'CustomExtensionName',
  description: 'Attributes our identity provider sends for each user',
  attributes: [
    { name: 'costCenter', type: 'string' },
    { name: 'licenceTier', type: 'string', canonicalValues: ['free', 'pro', 'enterprise'] },
  ],
};
const EXAMPLE_URN = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';

/** The definition part of a stored schema, as `/Schemas/{urn}` shows it. */
function definitionOf(schema: SchemaExtension): string {
  const { id, name, description, attributes } = schema;
  return JSON.stringify({ id, name, ...(description === undefined ? {} : { description }), attributes }, null, 2);
}

type Control = 'urn' | 'resourceType' | 'required' | 'definition';

/** The field a validation detail names, and the control it belongs to. */
export function fieldOf(detail: string): { field: string; control: Control } | undefined {
  const schemaPath = /^Schema ("id"|[A-Za-z_][\w.[\]"]*) /.exec(detail)?.[1];
  if (schemaPath !== undefined) {
    const field = schemaPath.replace(/"/g, '');
    return { field, control: field === 'id' ? 'urn' : 'definition' };
  }
  const named = /^(resourceType|required) /.exec(detail)?.[1] ?? /\bbody\.([\w.[\]]+)/.exec(detail)?.[1];
  if (named === undefined) return undefined;
  if (named.startsWith('resourceType')) return { field: 'resourceType', control: 'resourceType' };
  if (named.startsWith('required')) return { field: 'required', control: 'required' };
  return { field: named, control: 'definition' };
}

export function SchemaDialog({ orgId, editing, onClose }: { orgId: string; editing: SchemaEditing | null; onClose: () => void }) {
  const client = useQueryClient();
  const [urn, setUrn] = useState('');
  const [resourceType, setResourceType] = useState<'User' | 'Group'>('User');
  const [required, setRequired] = useState(false);
  const [text, setText] = useState('');
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [shownFor, setShownFor] = useState<SchemaEditing | null>(null);
  const save = useMutation({
    mutationFn: (input: { urn: string; body: SchemaExtensionInput }) => api<SchemaExtension>('PUT', orgPath(orgId, `/schemas/${encodeURIComponent(input.urn)}`), input.body),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['schemas', orgId] });
      onClose();
    },
  });
  if (editing !== shownFor) {
    setShownFor(editing);
    const schema = editing?.schema;
    setUrn(schema?.id ?? '');
    setResourceType(schema?.resourceType ?? 'User');
    setRequired(schema?.required ?? false);
    setText(schema ? definitionOf(schema) : JSON.stringify(TEMPLATE, null, 2));
    setJsonError(null);
  }
  const close = () => {
    save.reset();
    onClose();
  };
  const schema = editing?.schema;
  const readOnly = editing?.readOnly === true;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    let definition: unknown;
    try {
      definition = JSON.parse(text);
    } catch (error) {
      setJsonError(`The definition is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) {
      setJsonError('The definition must be a JSON object with "attributes" (and usually "name").');
      return;
    }
    setJsonError(null);
    const body = { ...(definition as Record<string, unknown>), resourceType, required } as SchemaExtensionInput;
    const target = urn.trim() || (typeof body.id === 'string' ? body.id : '');
    if (target === '') {
      setJsonError('Enter the schema URN (or put it in the definition as "id").');
      return;
    }
    save.mutate({ urn: target, body });
  };

  const detail = save.error instanceof ApiError ? save.error.detail : undefined;
  const named = detail === undefined ? undefined : fieldOf(detail);
  const invalid = (control: Control) => (named?.control === control || (control === 'definition' && jsonError !== null) ? true : undefined);
  const title = schema ? (readOnly ? `Schema ${schema.name}` : `Edit ${schema.name}`) : 'Add schema';

  return (
    <Dialog open={editing !== null} title={title} onClose={close} wide>
      <form onSubmit={submit} noValidate>
        <div className="dialog-body">
          {schema && !readOnly ? (
            <p className="hint">Saving replaces the definition (version {schema.version} → {schema.version + 1}). Stored values of attributes you remove stay until each resource's next write.</p>
          ) : null}
          <div id="schema-error">
            {jsonError !== null ? (
              <div className="alert alert-error" role="alert">
                {jsonError}
              </div>
            ) : save.isError ? (
              <>
                <ErrorMessage error={save.error} title="The server refused the schema" />
                {named ? (
                  <p className="hint">
                    Field: <code>{named.field}</code>
                  </p>
                ) : null}
              </>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor="schema-urn">Schema URN</label>
            <input
              id="schema-urn"
              className="mono"
              data-autofocus={schema ? undefined : true}
              readOnly={schema !== undefined}
              value={urn}
              placeholder={EXAMPLE_URN}
              aria-invalid={invalid('urn')}
              aria-describedby="schema-urn-hint"
              onChange={(e) => setUrn(e.target.value)}
            />
            <p className="hint" id="schema-urn-hint">
              What the identity provider sends as the extension's key, e.g. <code>{EXAMPLE_URN}</code>.
            </p>
          </div>
          <fieldset disabled={readOnly}>
            <legend className="sr-only">Attachment</legend>
            <div className="field">
              <label htmlFor="schema-resource-type">Resource type</label>
              <select id="schema-resource-type" value={resourceType} aria-invalid={invalid('resourceType')} onChange={(e) => setResourceType(e.target.value === 'Group' ? 'Group' : 'User')}>
                <option value="User">User</option>
                <option value="Group">Group</option>
              </select>
            </div>
            <div className="check">
              <input id="schema-required" type="checkbox" checked={required} aria-invalid={invalid('required')} onChange={(e) => setRequired(e.target.checked)} />
              <label htmlFor="schema-required">Required: every {resourceType.toLowerCase()} must carry this extension</label>
            </div>
            <div className="field">
              <label htmlFor="schema-definition">Definition (RFC 7643 §7 JSON)</label>
              <textarea
                id="schema-definition"
                className="mono"
                rows={10}
                spellCheck={false}
                readOnly={readOnly}
                data-autofocus={schema && !readOnly ? true : undefined}
                value={text}
                aria-invalid={invalid('definition')}
                aria-describedby="schema-definition-hint schema-error"
                onChange={(e) => setText(e.target.value)}
              />
              <p className="hint" id="schema-definition-hint">
                <code>name</code>, <code>description</code> and <code>attributes</code>, each with its characteristics; omitted ones take the RFC defaults (type string,
                readWrite, returned default).
              </p>
            </div>
          </fieldset>
        </div>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={close}>
            {readOnly ? 'Close' : 'Cancel'}
          </button>
          {readOnly ? null : (
            <button type="submit" className="button button-primary" disabled={save.isPending}>
              {schema ? 'Save schema' : 'Add schema'}
            </button>
          )}
        </div>
      </form>
    </Dialog>
  );
}
