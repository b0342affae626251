import type { DatasetSource } from "../../../lib/api/types";

export function describeSource(source: DatasetSource): string {
  switch (source.kind) {
    case "upload":
      return "Uploaded CSV";
    case "table":
      return `Table ${source.schema ? `${source.schema}.` : ""}${source.table}`;
    case "query":
      return "Database query";
  }
}
