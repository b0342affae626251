import type { ReactNode } from "react";

import { errorMessage } from "../../lib/api/problem";
import { Button } from "./Button";
import { Icon, type IconName } from "./Icon";

export function LoadingState({ label = "Loading…", compact }: { label?: string; compact?: boolean }) {
  return (
    <div className={compact ? "state state-compact" : "state"} role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export interface EmptyStateProps {
  title: string;
  description?: ReactNode;
  action?: ReactNode;
  icon?: IconName;
  compact?: boolean;
}

export function EmptyState({ title, description, action, icon, compact }: EmptyStateProps) {
  return (
    <div className={compact ? "state state-compact" : "state"}>
      {icon ? <Icon name={icon} className="state-icon" /> : null}
      <p className="state-title">{title}</p>
      {description ? <p>{description}</p> : null}
      {action}
    </div>
  );
}

export interface ErrorStateProps {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  compact?: boolean;
}

/** A failed load, shown with the server's explanation and a way to try again. */
export function ErrorState({ error, title = "This could not be loaded", onRetry, compact }: ErrorStateProps) {
  return (
    <div className={compact ? "state state-compact" : "state"} role="alert">
      <Icon name="alert" className="state-icon" />
      <p className="state-title">{title}</p>
      <p>{errorMessage(error)}</p>
      {onRetry ? (
        <Button size="small" icon="refresh" onClick={onRetry}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}

/** A one-line error inside a form or dialog; renders nothing without an error. */
export function InlineError({ error, title }: { error: unknown; title?: string }) {
  if (error === null || error === undefined) return null;
  return (
    <div className="alert alert-error" role="alert">
      <Icon name="alert" />
      <div>
        {title ? <p className="alert-title">{title}</p> : null}
        <p>{errorMessage(error)}</p>
      </div>
    </div>
  );
}

export function Alert({
  tone,
  title,
  children,
  action,
}: {
  tone: "info" | "warning" | "success" | "error";
  title?: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className={`alert alert-${tone}`} role={tone === "error" ? "alert" : "status"}>
      <div style={{ flex: 1 }}>
        {title ? <p className="alert-title">{title}</p> : null}
        {children}
      </div>
      {action}
    </div>
  );
}

export function Skeleton({ height = 16, width = "100%" }: { height?: number | string; width?: number | string }) {
  return <div className="skeleton" style={{ height, width }} aria-hidden="true" />;
}
