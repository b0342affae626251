import { PageHeader } from "../../../components/ui/PageHeader";
import { EmptyState } from "../../../components/ui/States";

export function DatasetsListRoute() {
  return (
    <>
      <PageHeader title="DatasetsListRoute" />
      <EmptyState title="Nothing here yet" />
    </>
  );
}
