import { useQueryClient } from "@tanstack/react-query";
import {
  createContext,
  useContext,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from "react";

import type { Role, SessionUser } from "../api/types";
import { register, restoreSession, signIn, signOut, type Credentials, type Registration } from "./session";
import { tokenStore, type SignOutReason } from "./token-store";

export type AuthState =
  | { status: "restoring" }
  | { status: "signed-in"; user: SessionUser }
  | { status: "signed-out"; reason: SignOutReason | null };

interface AuthContextValue {
  state: AuthState;
  signIn: (credentials: Credentials) => Promise<SessionUser>;
  register: (registration: Registration) => Promise<SessionUser>;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const session = useSyncExternalStore(tokenStore.subscribe, tokenStore.getSession);
  const [restored, setRestored] = useState(() => tokenStore.getSession() !== null);

  useEffect(() => {
    let cancelled = false;
    void restoreSession().finally(() => {
      if (!cancelled) setRestored(true);
    });
    return () => {
      cancelled = true;
    };
  }, []);

  // Cached reads belong to the user who made them: they are dropped when the session ends or another
  // user signs in, so nobody sees the previous user's data.
  const userId = session?.user.id ?? null;
  useEffect(() => {
    if (userId === null) queryClient.clear();
  }, [userId, queryClient]);

  const value = useMemo<AuthContextValue>(() => {
    let state: AuthState;
    if (session) state = { status: "signed-in", user: session.user };
    else if (!restored) state = { status: "restoring" };
    else state = { status: "signed-out", reason: tokenStore.getLastSignOutReason() };
    return {
      state,
      signIn: async (credentials) => {
        queryClient.clear();
        return signIn(credentials);
      },
      register: async (registration) => {
        queryClient.clear();
        return register(registration);
      },
      signOut,
    };
  }, [session, restored, queryClient]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const context = useContext(AuthContext);
  if (!context) throw new Error("useAuth must be used inside <AuthProvider>");
  return context;
}

/** The signed-in user; only for components rendered behind <RequireSession>. */
export function useCurrentUser(): SessionUser {
  const { state } = useAuth();
  if (state.status !== "signed-in") throw new Error("useCurrentUser needs a signed-in session");
  return state.user;
}

export function hasRole(user: SessionUser, ...roles: Role[]): boolean {
  return (roles as string[]).includes(user.role);
}

/** Whether the user's role may create dashboards, charts, datasets and data sources. */
export function canCreateContent(user: SessionUser): boolean {
  return hasRole(user, "admin", "editor");
}
