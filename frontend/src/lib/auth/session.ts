/**
 * Signing in, registering, restoring the session when the app starts, and signing out.
 */
import { api, refreshAccessToken, unwrap } from "../api/client";
import { readYourWrites } from "../api/read-your-writes";
import type { SessionUser } from "../api/types";
import { sessionHint } from "./session-hint";
import { tokenStore } from "./token-store";

export interface Credentials {
  email: string;
  password: string;
}

export interface Registration extends Credentials {
  displayName: string;
}

export async function signIn(credentials: Credentials): Promise<SessionUser> {
  const tokens = await unwrap(
    api.POST("/api/v1/auth/login", {
      body: { email: credentials.email.trim(), password: credentials.password },
    }),
  );
  tokenStore.setTokens(tokens);
  return tokens.user;
}

/** Creates an account and signs into it. */
export async function register(registration: Registration): Promise<SessionUser> {
  await unwrap(
    api.POST("/api/v1/auth/register", {
      body: {
        email: registration.email.trim(),
        password: registration.password,
        display_name: registration.displayName.trim(),
      },
    }),
  );
  return signIn(registration);
}

/**
 * Tries to continue the session of the refresh cookie when the app starts. React may mount the app
 * twice in development; both mounts share the one refresh in flight.
 */
export function restoreSession(): Promise<boolean> {
  if (tokenStore.getSession()) return Promise.resolve(true);
  if (!sessionHint.isPresent()) return Promise.resolve(false);
  return refreshAccessToken();
}

export async function signOut(): Promise<void> {
  try {
    await api.POST("/api/v1/auth/logout");
  } catch {
    // Even when the server cannot be reached the local session ends; the cookie then expires on its own.
  } finally {
    readYourWrites.reset();
    tokenStore.clear("signed-out");
  }
}
