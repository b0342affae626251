import type { ReactNode } from "react";
import { Navigate, Outlet, useLocation } from "react-router";

import { EmptyState, LoadingState } from "../components/ui/States";
import type { Role } from "../lib/api/types";
import { hasRole, useAuth } from "../lib/auth/AuthProvider";

/** Renders its routes only for a signed-in user; sends everyone else to the sign-in page and back. */
export function RequireSession() {
  const { state } = useAuth();
  const location = useLocation();
  if (state.status === "restoring") {
    return (
      <div className="full-page-state">
        <LoadingState label="Restoring your session…" />
      </div>
    );
  }
  if (state.status === "signed-out") {
    const next = `${location.pathname}${location.search}${location.hash}`;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}

/** Keeps signed-in users off the sign-in and registration pages. */
export function RedirectIfSignedIn({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  if (state.status === "restoring") {
    return (
      <div className="full-page-state">
        <LoadingState label="Restoring your session…" />
      </div>
    );
  }
  if (state.status === "signed-in") return <Navigate to="/dashboards" replace />;
  return children;
}

export function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const { state } = useAuth();
  if (state.status !== "signed-in") return null;
  if (!hasRole(state.user, ...roles)) {
    return (
      <EmptyState
        icon="lock"
        title="This page is for administrators"
        description="Ask an administrator if you need access to it."
      />
    );
  }
  return children;
}
