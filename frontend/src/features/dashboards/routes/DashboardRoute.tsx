import { EmptyState } from "../../../components/ui/States";

export function DashboardByIdRoute() {
  return <EmptyState title="Dashboard" />;
}

export function DashboardBySlugRoute() {
  return <EmptyState title="Dashboard" />;
}
