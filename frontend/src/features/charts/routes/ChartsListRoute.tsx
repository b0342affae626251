import { PageHeader } from "../../../components/ui/PageHeader";
import { EmptyState } from "../../../components/ui/States";

export function ChartsListRoute() {
  return (
    <>
      <PageHeader title="ChartsListRoute" />
      <EmptyState title="Nothing here yet" />
    </>
  );
}
