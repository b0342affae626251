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

import { refreshAccessToken } from "../api/client";
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

const REFRESH_AHEAD_MS = 60_000;
const MINIMUM_REFRESH_DELAY_MS = 5_000;
const SESSION_CHANNEL = "vizpro-session";

async function signOutEverywhere(): Promise<void> {
  await signOut();
  if (typeof BroadcastChannel === "undefined") return;
  const channel = new BroadcastChannel(SESSION_CHANNEL);
  channel.postMessage("signed-out");
  channel.close();
}

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

  // The access token is renewed a minute before it expires, so that reads do not first fail with 401.
  const expiresAt = session?.expiresAt ?? null;
  useEffect(() => {
    if (expiresAt === null) return;
    const delay = Math.max(expiresAt - Date.now() - REFRESH_AHEAD_MS, MINIMUM_REFRESH_DELAY_MS);
    const timer = setTimeout(() => void refreshAccessToken(), delay);
    return () => clearTimeout(timer);
  }, [expiresAt]);

  // Signing out in one tab signs out the others too.
  useEffect(() => {
    if (typeof BroadcastChannel === "undefined") return;
    const channel = new BroadcastChannel(SESSION_CHANNEL);
    channel.onmessage = (event: MessageEvent) => {
      if (event.data === "signed-out") tokenStore.clear("signed-out");
    };
    return () => channel.close();
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
      signOut: signOutEverywhere,
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
