import type { ResultColumn } from "../../lib/api/types";
import { formatCell, isNumericType } from "../../lib/format";

export interface ResultTableProps {
  columns: ResultColumn[];
  /** Header labels; the column names when left out. */
  labels?: string[];
  caption?: string;
  maxRows?: number;
}

/** Rows of a result, column-oriented as the API answers them. */
export function ResultTable({ columns, labels, caption, maxRows }: ResultTableProps) {
  const rowCount = Math.min(
    Math.max(0, ...columns.map((column) => column.values.length)),
    maxRows ?? Number.POSITIVE_INFINITY,
  );
  return (
    <table className="table table-compact">
      {caption ? <caption className="visually-hidden">{caption}</caption> : null}
      <thead>
        <tr>
          {columns.map((column, index) => (
            <th key={column.name} scope="col" className={isNumericType(column.data_type) ? "numeric" : undefined}>
              {labels?.[index] ?? column.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {Array.from({ length: rowCount }, (_, row) => (
          <tr key={row}>
            {columns.map((column) => (
              <td key={column.name} className={isNumericType(column.data_type) ? "numeric" : undefined}>
                {formatCell(column.values[row] ?? null, column.data_type)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
