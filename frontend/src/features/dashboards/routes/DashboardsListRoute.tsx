import { PageHeader } from "../../../components/ui/PageHeader";
import { EmptyState } from "../../../components/ui/States";

export function DashboardsListRoute() {
  return (
    <>
      <PageHeader title="DashboardsListRoute" />
      <EmptyState title="Nothing here yet" />
    </>
  );
}
