import { PageHeader } from "../../../components/ui/PageHeader";
import { EmptyState } from "../../../components/ui/States";

export function DatasetRoute() {
  return (
    <>
      <PageHeader title="DatasetRoute" />
      <EmptyState title="Nothing here yet" />
    </>
  );
}
