/**
 * A flag that this browser signed in before. It is not a credential (the refresh token stays in its
 * HttpOnly cookie): it only spares a visitor who never signed in the refresh request that would fail,
 * and the error the browser would log for it.
 */
const KEY = "vizpro.has-session";

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export const sessionHint = {
  isPresent(): boolean {
    return storage()?.getItem(KEY) === "1";
  },
  set(): void {
    storage()?.setItem(KEY, "1");
  },
  clear(): void {
    storage()?.removeItem(KEY);
  },
};
