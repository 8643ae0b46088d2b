/**
 * A resource's extension attributes (the Enterprise User extension and the organization's own
 * schemas), one group per extension URN, values written out readably: a manager as its name and
 * id, lists as lists, complex values as nested terms.
 */
import type { ReactNode } from 'react';
import type { SchemaExtension } from '../api/types';
import { ENTERPRISE_USER } from '../scim';

function Value({ value }: { value: unknown }): ReactNode {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value))
    return (
      <ul className="values">
        {value.map((item, index) => (
          <li key={index}>
            <Value value={item} />
          </li>
        ))}
      </ul>
    );
  const entries = Object.entries(value as Record<string, unknown>).filter(([key]) => key !== '$ref');
  return (
    <dl className="props props-nested">
      {entries.map(([key, inner]) => (
        <Term key={key} name={key} value={inner} />
      ))}
    </dl>
  );
}

function Term({ name, value }: { name: string; value: unknown }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>
        <Value value={value} />
      </dd>
    </>
  );
}

/** The name to show for an extension URN: the registered schema's name, "Enterprise User", or the URN's last parts. */
function titleOf(urn: string, schemas: readonly SchemaExtension[] | undefined): string {
  if (urn === ENTERPRISE_USER) return 'Enterprise User';
  const registered = schemas?.find((s) => s.id.toLowerCase() === urn.toLowerCase());
  if (registered) return registered.name;
  return urn.split(':').slice(-3).join(':');
}

export function ExtensionAttributes({ extensions, schemas }: { extensions: readonly { urn: string; values: Record<string, unknown> }[]; schemas: readonly SchemaExtension[] | undefined }) {
  return (
    <>
      {extensions.map(({ urn, values }, index) => {
        const id = `extension-${index}`;
        return (
          <section key={urn} className="card" aria-labelledby={id}>
            <h2 id={id}>{titleOf(urn, schemas)}</h2>
            <p className="hint mono wrap-anywhere extension-urn">{urn}</p>
            <dl className="props">
              {Object.entries(values).map(([name, value]) => (
                <Term key={name} name={name} value={value} />
              ))}
            </dl>
          </section>
        );
      })}
    </>
  );
}
