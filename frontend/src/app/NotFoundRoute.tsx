import { Link } from "react-router";

import { EmptyState } from "../components/ui/States";
import { useDocumentTitle } from "../lib/hooks/useDocumentTitle";

export function NotFoundRoute() {
  useDocumentTitle("Page not found");
  return (
    <EmptyState
      icon="alert"
      title="This page does not exist"
      description="The address may be mistyped, or the page may have moved."
      action={<Link to="/dashboards">Go to dashboards</Link>}
    />
  );
}
