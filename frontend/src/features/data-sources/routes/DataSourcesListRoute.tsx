import { PageHeader } from "../../../components/ui/PageHeader";
import { EmptyState } from "../../../components/ui/States";

export function DataSourcesListRoute() {
  return (
    <>
      <PageHeader title="DataSourcesListRoute" />
      <EmptyState title="Nothing here yet" />
    </>
  );
}
