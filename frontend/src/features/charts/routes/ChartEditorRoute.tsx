import { EmptyState } from "../../../components/ui/States";

export function NewChartRoute() {
  return <EmptyState title="New chart" />;
}

export function EditChartRoute() {
  return <EmptyState title="Chart" />;
}
