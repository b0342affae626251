import type { ReactNode } from "react";

import { BrandMark } from "../../../app/layout/AppShell";

export function AuthLayout({ title, subtitle, children }: { title: string; subtitle: string; children: ReactNode }) {
  return (
    <main className="auth-page">
      <div className="card auth-card">
        <div className="brand">
          <BrandMark />
          <span>vizpro</span>
        </div>
        <h1>{title}</h1>
        <p className="muted" style={{ marginBottom: 24 }}>
          {subtitle}
        </p>
        {children}
      </div>
    </main>
  );
}
