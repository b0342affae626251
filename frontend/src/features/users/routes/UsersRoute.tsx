import { PageHeader } from "../../../components/ui/PageHeader";
import { EmptyState } from "../../../components/ui/States";

export function UsersRoute() {
  return (
    <>
      <PageHeader title="UsersRoute" />
      <EmptyState title="Nothing here yet" />
    </>
  );
}
