// Who is signed in. The token lives in this tab's sessionStorage (never in a URL we keep): a
// portal link `/#token=…` signs in and then drops the fragment from the address bar.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { api, call, setBearerToken, type Schemas } from "../api/client";
import { describeError } from "../api/errors";

const STORAGE_KEY = "hookd.token";

export type SessionInfo = Schemas["SessionOut"];

interface SessionState {
  /** null while signed out. */
  session: SessionInfo | null;
  /** True while a stored or linked token is being checked. */
  checking: boolean;
  error: string | null;
  signIn: (token: string) => Promise<boolean>;
  signOut: () => void;
}

export const SessionContext = createContext<SessionState | null>(null);

/** Takes a token out of the page's fragment (`#token=…`), and removes it from the address bar. */
export function tokenFromFragment(): string | null {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  const token = fragment.get("token");
  if (token) {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  return token;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [checking, setChecking] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const signIn = useCallback(async (token: string) => {
    setChecking(true);
    setError(null);
    setBearerToken(token.trim());
    try {
      const info = await call(api.GET("/api/session"));
      sessionStorage.setItem(STORAGE_KEY, token.trim());
      setSession(info);
      return true;
    } catch (e) {
      setBearerToken(null);
      sessionStorage.removeItem(STORAGE_KEY);
      setSession(null);
      setError(describeError(e));
      return false;
    } finally {
      setChecking(false);
    }
  }, []);

  const signOut = useCallback(() => {
    sessionStorage.removeItem(STORAGE_KEY);
    setBearerToken(null);
    setSession(null);
  }, []);

  useEffect(() => {
    const token = tokenFromFragment() ?? sessionStorage.getItem(STORAGE_KEY);
    if (token) void signIn(token);
    else setChecking(false);
  }, [signIn]);

  return (
    <SessionContext.Provider value={{ session, checking, error, signIn, signOut }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error("useSession outside SessionProvider");
  return state;
}

/** The signed-in session; only for pages rendered behind sign-in. */
export function useSignedIn(): SessionInfo {
  const { session } = useSession();
  if (!session) throw new Error("useSignedIn while signed out");
  return session;
}

/** True for the admin, who sees every tenant and the token pages. */
export function useIsAdmin(): boolean {
  return useSignedIn().role === "admin";
}
