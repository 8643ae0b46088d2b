/** Operators sign in with e-mail and password; the server sets an HttpOnly session cookie. */
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { useAuth } from '../auth';
import { ErrorMessage } from '../components/ui';

export function SignInPage({ message }: { message?: string | undefined }) {
  const { refresh } = useAuth();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/session', { email, password }, { quiet401: true });
      await refresh();
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  return (
    <main id="main" className="signin">
      <form className="card signin-card" onSubmit={(e) => void submit(e)} aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to scimd</h1>
        {message === undefined ? null : (
          <div className="alert alert-warn" role="alert">
            {message}
          </div>
        )}
        <div className="field">
          <label htmlFor="signin-email">Email</label>
          <input id="signin-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="signin-password">Password</label>
          <input id="signin-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        {error === null ? null : <ErrorMessage error={error} title="Could not sign in" />}
        <button type="submit" className="button button-primary" disabled={busy}>
          Sign in
        </button>
        <p className="hint">
          Customer admins: open the setup link your provider sent you; it signs you in to your organization without a password.
        </p>
      </form>
    </main>
  );
}
