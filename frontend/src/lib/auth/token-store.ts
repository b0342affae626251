/**
 * The signed-in session, kept in memory only. The access token never touches localStorage or
 * sessionStorage, so a script injected into the page cannot read a long-lived credential; the refresh
 * token lives in an HttpOnly cookie the page cannot read at all.
 */
import type { SessionTokens, SessionUser } from "../api/types";
import { sessionHint } from "./session-hint";

export interface Session {
  accessToken: string;
  user: SessionUser;
  /** When the access token expires, in milliseconds since the epoch. */
  expiresAt: number;
}

export type SignOutReason = "signed-out" | "expired";

type Listener = () => void;

let current: Session | null = null;
let lastSignOutReason: SignOutReason | null = null;
const listeners = new Set<Listener>();

function notify(): void {
  for (const listener of listeners) listener();
}

export const tokenStore = {
  getSession(): Session | null {
    return current;
  },

  getAccessToken(): string | null {
    return current?.accessToken ?? null;
  },

  /** Why the last session ended, so the sign-in page can explain an expired session. */
  getLastSignOutReason(): SignOutReason | null {
    return lastSignOutReason;
  },

  setTokens(tokens: SessionTokens, now: number = Date.now()): void {
    current = {
      accessToken: tokens.access_token,
      user: tokens.user,
      expiresAt: now + tokens.expires_in * 1000,
    };
    lastSignOutReason = null;
    sessionHint.set();
    notify();
  },

  clear(reason: SignOutReason): void {
    sessionHint.clear();
    // Without a session there is nothing to end, and no reason to report: a first visit without a
    // refresh cookie is not an expired session.
    if (current === null) return;
    current = null;
    lastSignOutReason = reason;
    notify();
  },

  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
};
