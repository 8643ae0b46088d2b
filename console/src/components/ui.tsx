/** Small building blocks shared by the pages: states, badges, switch, copy button, pager. */
import { useId, useState, type ReactNode } from 'react';
import { ApiError } from '../api/client';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="state" role="status" aria-live="polite">
      {what}…
    </p>
  );
}

/** An error with the API's `detail`. */
export function ErrorMessage({ error, title = 'Something went wrong' }: { error: unknown; title?: string }) {
  const detail = error instanceof ApiError ? error.detail : error instanceof Error ? error.message : String(error);
  return (
    <div className="alert alert-error" role="alert">
      <strong>{title}.</strong> {detail}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="state state-empty">{children}</p>;
}

export type BadgeTone = 'ok' | 'warn' | 'bad' | 'muted' | 'info';

export function Badge({ tone, children }: { tone: BadgeTone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

/** A labelled on/off switch (role `switch`). */
export function Switch({ label, checked, onChange, disabled, description }: { label: string; checked: boolean; onChange: (next: boolean) => void; disabled?: boolean; description?: ReactNode }) {
  const labelId = useId();
  const descriptionId = useId();
  return (
    <div className="switch-row">
      <button
        type="button"
        role="switch"
        className="switch"
        aria-checked={checked}
        aria-labelledby={labelId}
        aria-describedby={description === undefined ? undefined : descriptionId}
        disabled={disabled}
        onClick={() => onChange(!checked)}
      >
        <span className="switch-thumb" aria-hidden="true" />
      </button>
      <div>
        <span id={labelId} className="switch-label">
          {label}
        </span>{' '}
        <span className="switch-state" aria-hidden="true">
          {checked ? 'On' : 'Off'}
        </span>
        {description === undefined ? null : (
          <p id={descriptionId} className="hint">
            {description}
          </p>
        )}
      </div>
    </div>
  );
}

/** Writes `value` to the clipboard and says so in a live region. */
export function CopyButton({ value, label = 'Copy', className, id }: { value: string; label?: string; className?: string; id?: string }) {
  const [said, setSaid] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setSaid('Copied to the clipboard');
    } catch {
      setSaid('Copying failed: select the text and copy it by hand');
    }
    setTimeout(() => setSaid(''), 4000);
  };
  return (
    <>
      <button type="button" id={id} className={className ?? 'button'} onClick={() => void copy()}>
        {label}
      </button>
      <span className="copy-status" role="status" aria-live="polite">
        {said}
      </span>
    </>
  );
}

/** A read-only value with its copy button, e.g. the Tenant URL. */
export function CopyField({ label, value }: { label: string; value: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-field">
        <input id={id} className="mono" readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
        <CopyButton value={value} label={`Copy ${label}`} />
      </div>
    </div>
  );
}

/** Cursor paging: the cursors that led to the current page; a new `key` (a new search) starts over. */
export function usePager(key = '') {
  const [state, setState] = useState<{ key: string; stack: string[] }>({ key, stack: [] });
  const stack = state.key === key ? state.stack : [];
  return {
    cursor: stack[stack.length - 1],
    page: stack.length + 1,
    next: (cursor: string) => setState({ key, stack: [...stack, cursor] }),
    previous: () => setState({ key, stack: stack.slice(0, -1) }),
  };
}

export function Pager({ pager, nextCursor, label }: { pager: ReturnType<typeof usePager>; nextCursor: string | undefined; label: string }) {
  if (pager.page === 1 && nextCursor === undefined) return null;
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" className="button" disabled={pager.page === 1} onClick={pager.previous}>
        Previous page
      </button>
      <span>Page {pager.page}</span>
      <button type="button" className="button" disabled={nextCursor === undefined} onClick={() => nextCursor && pager.next(nextCursor)}>
        Next page
      </button>
    </nav>
  );
}

// One formatter for every date on every page: `toLocaleString(…, options)` builds a new one per
// call, which costs a fifty-row table tens of milliseconds on a first, unoptimised run.
let dateFormat: Intl.DateTimeFormat | undefined;

/** A date-time in the reader's locale, with the exact value for machines. */
export function Time({ value, empty = '—' }: { value: string | null | undefined; empty?: string }) {
  if (!value) return <>{empty}</>;
  const date = new Date(value);
  dateFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <time dateTime={value} title={date.toISOString()}>
      {dateFormat.format(date)}
    </time>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1 tabIndex={-1}>{title}</h1>
      {children === undefined ? null : <div className="page-actions">{children}</div>}
    </div>
  );
}
