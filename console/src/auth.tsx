/**
 * Who is using the console: nobody yet, an operator (session cookie), or a customer admin (setup
 * link token in sessionStorage). Any 401 from the API ends the session and brings back the sign-in
 * page with the reason; `can(scope)` hides what the caller may not do.
 */
import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, onUnauthorized, setupToken, storeSetupToken } from './api/client';
import type { Caller } from './api/types';
import { takeBootSession } from './boot';

type AuthState =
  | { readonly status: 'loading' }
  | { readonly status: 'signedOut'; readonly message?: string }
  | { readonly status: 'signedIn'; readonly caller: Caller };

interface AuthApi {
  readonly state: AuthState;
  /** Asks the server who the caller is (after a sign-in or a setup link). */
  refresh(): Promise<void>;
  signOut(): Promise<void>;
  can(scope: string): boolean;
}

const AuthContext = createContext<AuthApi | null>(null);
const HAD_SESSION = 'scimd.hadSession';

/** Why the session ended, in the console's words (setup-link details come from the server). */
function reasonOf(detail: string, wasSetupLink: boolean): string {
  if (wasSetupLink) return detail;
  return 'Your session has expired or was ended. Sign in again to continue.';
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });
  const client = useQueryClient();

  const end = useCallback(
    (message?: string) => {
      storeSetupToken(null);
      sessionStorage.removeItem(HAD_SESSION);
      client.clear();
      setState(message === undefined ? { status: 'signedOut' } : { status: 'signedOut', message });
    },
    [client],
  );

  const refresh = useCallback(async () => {
    const wasSetupLink = setupToken() !== null;
    try {
      const caller = await (takeBootSession() ?? api<Caller>('GET', '/session', undefined, { quiet401: true }));
      sessionStorage.setItem(HAD_SESSION, '1');
      setState({ status: 'signedIn', caller });
    } catch (error) {
      const had = sessionStorage.getItem(HAD_SESSION) !== null || wasSetupLink;
      const detail = error instanceof Error ? error.message : String(error);
      end(had ? reasonOf(detail, wasSetupLink) : undefined);
    }
  }, [end]);

  useEffect(() => onUnauthorized((detail) => end(reasonOf(detail, setupToken() !== null))), [end]);

  const signOut = useCallback(async () => {
    if (setupToken() === null) await api('DELETE', '/session', undefined, { quiet401: true }).catch(() => undefined);
    end();
  }, [end]);

  const value = useMemo<AuthApi>(
    () => ({
      state,
      refresh,
      signOut,
      can: (scope) => state.status === 'signedIn' && (state.caller.scopes.includes('*') || state.caller.scopes.includes(scope)),
    }),
    [state, refresh, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthApi {
  const auth = useContext(AuthContext);
  if (auth === null) throw new Error('useAuth outside AuthProvider');
  return auth;
}

/** The signed-in caller (pages below the shell only). */
export function useCaller(): Caller {
  const { state } = useAuth();
  if (state.status !== 'signedIn') throw new Error('useCaller without a session');
  return state.caller;
}
