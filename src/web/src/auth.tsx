// Who is signed in: the token lives in memory and in sessionStorage (a reload keeps the session, closing
// the tab ends it). Any 401 on an authenticated request signs out with a message.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, setToken, setUnauthorizedHandler, unwrap } from './api/client';
import type { Me } from './api/types';

const STORAGE_KEY = 'callsense.token';

interface AuthState {
  token: string | null;
  me: Me | undefined;
  notice: string | null;
  signIn(token: string): void;
  signOut(notice?: string): void;
  /** Ends the session on the server too (the token stops working at once), then signs out. */
  logOut(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

function storedToken(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [token, setTokenState] = useState<string | null>(() => {
    const saved = storedToken();
    setToken(saved);
    return saved;
  });
  const [notice, setNotice] = useState<string | null>(null);

  const signOut = useCallback(
    (message?: string) => {
      setToken(null);
      sessionStorage.removeItem(STORAGE_KEY);
      setTokenState(null);
      setNotice(message ?? null);
      queryClient.clear();
    },
    [queryClient],
  );
  const logOut = useCallback(async () => {
    // Best effort: an unreachable server must not keep the person signed in here.
    await api.POST('/api/auth/logout').catch(() => undefined);
    signOut();
  }, [signOut]);
  const signIn = useCallback((value: string) => {
    setToken(value);
    sessionStorage.setItem(STORAGE_KEY, value);
    setNotice(null);
    setTokenState(value);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => signOut('Your session has expired. Please sign in again.'));
    return () => setUnauthorizedHandler(null);
  }, [signOut]);

  const me = useQuery({
    queryKey: ['me', token],
    queryFn: () => unwrap(api.GET('/api/auth/me')),
    enabled: token !== null,
    staleTime: 60_000,
  });

  const value = useMemo(
    () => ({ token, me: me.data, notice, signIn, signOut, logOut }),
    [token, me.data, notice, signIn, signOut, logOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}
