import type { ReactNode } from "react";

export function Badge({ tone, children }: { tone?: "primary" | "success" | "danger"; children: ReactNode }) {
  return <span className={tone ? `badge badge-${tone}` : "badge"}>{children}</span>;
}
