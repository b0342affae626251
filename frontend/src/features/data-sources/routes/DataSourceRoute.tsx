import { PageHeader } from "../../../components/ui/PageHeader";
import { EmptyState } from "../../../components/ui/States";

export function DataSourceRoute() {
  return (
    <>
      <PageHeader title="DataSourceRoute" />
      <EmptyState title="Nothing here yet" />
    </>
  );
}
