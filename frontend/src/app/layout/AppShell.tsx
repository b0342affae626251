import { Suspense } from "react";
import { Link, NavLink, Outlet } from "react-router";

import { Icon, type IconName } from "../../components/ui/Icon";
import { LoadingState } from "../../components/ui/States";
import { hasRole, useCurrentUser } from "../../lib/auth/AuthProvider";
import { RouteErrorBoundary } from "./RouteErrorBoundary";
import { UserMenu } from "./UserMenu";

interface NavItem {
  to: string;
  label: string;
  icon: IconName;
}

const NAV_ITEMS: NavItem[] = [
  { to: "/dashboards", label: "Dashboards", icon: "dashboard" },
  { to: "/charts", label: "Charts", icon: "chart" },
  { to: "/datasets", label: "Datasets", icon: "dataset" },
  { to: "/data-sources", label: "Data sources", icon: "source" },
];

export function BrandMark() {
  return (
    <svg className="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="#2f5bea" />
      <rect x="7" y="16" width="4" height="9" rx="1" fill="#fff" />
      <rect x="14" y="10" width="4" height="15" rx="1" fill="#fff" />
      <rect x="21" y="6" width="4" height="19" rx="1" fill="#fff" />
    </svg>
  );
}

export function AppShell() {
  const user = useCurrentUser();
  const items = hasRole(user, "admin")
    ? [...NAV_ITEMS, { to: "/users", label: "Users", icon: "users" as const }]
    : NAV_ITEMS;

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/dashboards" className="brand" aria-label="vizpro home">
          <BrandMark />
          <span>vizpro</span>
        </Link>
        <UserMenu />
      </header>
      <nav className="sidebar" aria-label="Main">
        <ul className="nav-list">
          {items.map((item) => (
            <li key={item.to}>
              <NavLink to={item.to} className="nav-link">
                <Icon name={item.icon} className="nav-icon" />
                {item.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="main" tabIndex={-1}>
        <RouteErrorBoundary>
          <Suspense fallback={<LoadingState />}>
            <Outlet />
          </Suspense>
        </RouteErrorBoundary>
      </main>
    </div>
  );
}
