import { FilterFields } from "../../../components/filters/FilterEditor";
import { Button, IconButton } from "../../../components/ui/Button";
import { Checkbox, SelectField, TextField } from "../../../components/ui/Field";
import {
  AGGREGATES,
  TIME_BUCKETS,
  type Aggregate,
  type BuilderQuery,
  type DatasetColumn,
  type FilterOperator,
  type QueryFilter,
  type TimeBucket,
} from "../../../lib/api/types";
import {
  draftFromOperand,
  EMPTY_OPERAND,
  operandFromDraft,
  operatorsFor,
  type OperandDraft,
} from "../../../lib/filters";
import { isNumericType, isTemporalType } from "../../../lib/format";
import { resultNames } from "../api/chart-draft";

const AGGREGATE_LABELS: Record<Aggregate, string> = {
  count: "Count",
  count_distinct: "Count distinct",
  sum: "Sum",
  avg: "Average",
  min: "Minimum",
  max: "Maximum",
  median: "Median",
  p90: "90th percentile",
  p95: "95th percentile",
  p99: "99th percentile",
};

const NUMERIC_AGGREGATES = new Set<Aggregate>(["sum", "avg", "median", "p90", "p95", "p99"]);

export interface QueryBuilderProps {
  query: BuilderQuery;
  columns: DatasetColumn[];
  onChange: (query: BuilderQuery) => void;
  /** Field errors from the server, keyed by path such as `spec.query.measures[0].column`. */
  fieldErrors: Record<string, string>;
  /** Filter operand drafts, kept by the editor so half-typed values survive re-renders. */
  filterDrafts: OperandDraft[];
  onFilterDraftsChange: (drafts: OperandDraft[]) => void;
}

function errorUnder(fieldErrors: Record<string, string>, prefix: string): string | undefined {
  const key = Object.keys(fieldErrors).find(
    (field) => field === prefix || field.startsWith(`${prefix}.`) || field.startsWith(`${prefix}[`),
  );
  return key ? fieldErrors[key] : undefined;
}

function replaceAt<T>(items: T[], index: number, item: T): T[] {
  return items.map((current, position) => (position === index ? item : current));
}

function removeAt<T>(items: T[], index: number): T[] {
  return items.filter((_, position) => position !== index);
}

/** The parts of a builder query: group by, aggregate, filter, sort and limit. */
export function QueryBuilder({ query, columns, onChange, fieldErrors, filterDrafts, onFilterDraftsChange }: QueryBuilderProps) {
  const columnOptions = columns.map((column) => ({ value: column.name, label: `${column.name} (${column.data_type})` }));
  const typeOf = (name: string | null) => columns.find((column) => column.name === name)?.data_type ?? "text";
  const change = (patch: Partial<BuilderQuery>) => onChange({ ...query, ...patch });
  const sortChoices = resultNames(query);

  const updateFilter = (index: number, next: { column: string; op: FilterOperator; draft: OperandDraft }) => {
    const operand = operandFromDraft(next.op, next.draft, typeOf(next.column));
    const filter: QueryFilter = {
      column: next.column,
      op: next.op,
      value: "value" in operand ? operand.value : null,
    };
    change({ filters: replaceAt(query.filters, index, filter) });
    onFilterDraftsChange(replaceAt(filterDrafts, index, next.draft));
  };

  return (
    <div className="stack" style={{ gap: 20 }}>
      <fieldset className="query-part">
        <div className="query-part-header">
          <legend>Group by</legend>
          <Button
            size="small"
            variant="ghost"
            icon="plus"
            onClick={() => change({ dimensions: [...query.dimensions, { column: "", time_bucket: null, alias: null }] })}
          >
            Add dimension
          </Button>
        </div>
        {query.dimensions.length === 0 ? <p className="muted small">No grouping: the measures cover every row.</p> : null}
        {query.dimensions.map((dimension, index) => {
          const temporal = isTemporalType(typeOf(dimension.column));
          const prefix = `spec.query.dimensions[${index}]`;
          return (
            <div key={index} className="query-row query-row-wide">
              <SelectField
                label={`Dimension ${index + 1} column`}
                value={dimension.column}
                placeholder="Choose a column"
                options={columnOptions}
                error={errorUnder(fieldErrors, `${prefix}.column`)}
                onChange={(event) => {
                  const nextTemporal = isTemporalType(typeOf(event.target.value));
                  change({
                    dimensions: replaceAt(query.dimensions, index, {
                      ...dimension,
                      column: event.target.value,
                      time_bucket: nextTemporal ? (dimension.time_bucket ?? "month") : null,
                    }),
                  });
                }}
              />
              <SelectField
                label="Time bucket"
                value={dimension.time_bucket ?? ""}
                disabled={!temporal}
                placeholder={temporal ? "Exact time" : "Only for dates"}
                options={TIME_BUCKETS.map((bucket) => ({ value: bucket, label: bucket }))}
                onChange={(event) =>
                  change({
                    dimensions: replaceAt(query.dimensions, index, {
                      ...dimension,
                      time_bucket: (event.target.value || null) as TimeBucket | null,
                    }),
                  })
                }
              />
              <TextField
                label="Label"
                value={dimension.alias ?? ""}
                placeholder={dimension.column || "optional"}
                error={errorUnder(fieldErrors, `${prefix}.alias`)}
                onChange={(event) =>
                  change({ dimensions: replaceAt(query.dimensions, index, { ...dimension, alias: event.target.value }) })
                }
              />
              <IconButton
                icon="trash"
                label={`Remove dimension ${index + 1}`}
                onClick={() => change({ dimensions: removeAt(query.dimensions, index) })}
              />
            </div>
          );
        })}
      </fieldset>

      <fieldset className="query-part">
        <div className="query-part-header">
          <legend>Measures</legend>
          <Button
            size="small"
            variant="ghost"
            icon="plus"
            onClick={() =>
              change({
                measures: [
                  ...query.measures,
                  {
                    aggregate: "sum",
                    column: columns.find((column) => isNumericType(column.data_type))?.name ?? null,
                    alias: null,
                  },
                ],
              })
            }
          >
            Add measure
          </Button>
        </div>
        {query.measures.map((measure, index) => {
          const prefix = `spec.query.measures[${index}]`;
          const allowedColumns = NUMERIC_AGGREGATES.has(measure.aggregate)
            ? columnOptions.filter((option) => isNumericType(typeOf(option.value)))
            : columnOptions;
          return (
            <div key={index} className="query-row query-row-wide">
              <SelectField
                label={`Measure ${index + 1} aggregate`}
                value={measure.aggregate}
                options={AGGREGATES.map((aggregate) => ({ value: aggregate, label: AGGREGATE_LABELS[aggregate] }))}
                onChange={(event) =>
                  change({
                    measures: replaceAt(query.measures, index, { ...measure, aggregate: event.target.value as Aggregate }),
                  })
                }
              />
              <SelectField
                label="Of column"
                value={measure.column ?? ""}
                placeholder={measure.aggregate === "count" ? "Every row" : "Choose a column"}
                options={allowedColumns}
                error={errorUnder(fieldErrors, `${prefix}.column`)}
                onChange={(event) =>
                  change({ measures: replaceAt(query.measures, index, { ...measure, column: event.target.value || null }) })
                }
              />
              <TextField
                label="Label"
                value={measure.alias ?? ""}
                placeholder="optional"
                error={errorUnder(fieldErrors, `${prefix}.alias`)}
                onChange={(event) =>
                  change({ measures: replaceAt(query.measures, index, { ...measure, alias: event.target.value }) })
                }
              />
              <IconButton
                icon="trash"
                label={`Remove measure ${index + 1}`}
                onClick={() => change({ measures: removeAt(query.measures, index) })}
              />
            </div>
          );
        })}
      </fieldset>

      <fieldset className="query-part">
        <div className="query-part-header">
          <legend>Filters</legend>
          <Button
            size="small"
            variant="ghost"
            icon="plus"
            disabled={columns.length === 0}
            onClick={() => {
              const first = columns[0];
              const op = operatorsFor(first?.data_type ?? "text")[0] ?? "eq";
              change({ filters: [...query.filters, { column: first?.name ?? "", op, value: null }] });
              onFilterDraftsChange([...filterDrafts, EMPTY_OPERAND]);
            }}
          >
            Add filter
          </Button>
        </div>
        {query.filters.length === 0 ? <p className="muted small">Every row is included.</p> : null}
        {query.filters.map((filter, index) => (
          <div key={index} className="query-row query-row-wide">
            <FilterFields
              labelPrefix={`Filter ${index + 1} `}
              columns={columns.map((column) => ({ name: column.name, dataType: column.data_type }))}
              column={filter.column}
              op={filter.op}
              draft={filterDrafts[index] ?? draftFromOperand(filter.value)}
              error={errorUnder(fieldErrors, `spec.query.filters[${index}]`)}
              onChange={(next) => updateFilter(index, next)}
            />
            <IconButton
              icon="trash"
              label={`Remove filter ${index + 1}`}
              onClick={() => {
                change({ filters: removeAt(query.filters, index) });
                onFilterDraftsChange(removeAt(filterDrafts, index));
              }}
            />
          </div>
        ))}
      </fieldset>

      <fieldset className="query-part">
        <div className="query-part-header">
          <legend>Sort</legend>
          <Button
            size="small"
            variant="ghost"
            icon="plus"
            disabled={sortChoices.length === 0}
            onClick={() => change({ sort: [...query.sort, { by: sortChoices[0] ?? "", direction: "desc" }] })}
          >
            Add sort
          </Button>
        </div>
        {query.sort.length === 0 ? <p className="muted small">Sorted by the dimensions, so time runs left to right.</p> : null}
        {query.sort.map((key, index) => (
          <div key={index} className="query-row">
            <SelectField
              label={`Sort ${index + 1} by`}
              value={key.by}
              options={sortChoices.map((name) => ({ value: name, label: name }))}
              error={errorUnder(fieldErrors, `spec.query.sort[${index}]`)}
              onChange={(event) => change({ sort: replaceAt(query.sort, index, { ...key, by: event.target.value }) })}
            />
            <SelectField
              label="Direction"
              value={key.direction}
              options={[
                { value: "asc", label: "Smallest first" },
                { value: "desc", label: "Largest first" },
              ]}
              onChange={(event) =>
                change({
                  sort: replaceAt(query.sort, index, { ...key, direction: event.target.value === "asc" ? "asc" : "desc" }),
                })
              }
            />
            <IconButton icon="trash" label={`Remove sort ${index + 1}`} onClick={() => change({ sort: removeAt(query.sort, index) })} />
          </div>
        ))}
      </fieldset>

      <fieldset className="query-part">
        <legend>Limit</legend>
        <div className="grid-2">
          <TextField
            label="Row limit"
            type="number"
            min={1}
            value={query.limit ?? ""}
            placeholder="No limit"
            error={errorUnder(fieldErrors, "spec.query.limit")}
            onChange={(event) => change({ limit: event.target.value ? Number(event.target.value) : null })}
          />
          <div className="stack" style={{ gap: 8 }}>
            <Checkbox
              label="Keep only the top groups"
              checked={query.top_n !== null}
              onChange={(event) => change({ top_n: event.target.checked ? { n: 10, other_label: "Other" } : null })}
            />
            {query.top_n ? (
              <div className="grid-2">
                <TextField
                  label="How many"
                  type="number"
                  min={1}
                  value={query.top_n.n}
                  error={errorUnder(fieldErrors, "spec.query.top_n")}
                  onChange={(event) =>
                    change({ top_n: { n: Math.max(1, Number(event.target.value) || 1), other_label: query.top_n?.other_label ?? null } })
                  }
                />
                <TextField
                  label="Rest as"
                  value={query.top_n.other_label ?? ""}
                  placeholder="Leave out"
                  onChange={(event) => change({ top_n: { n: query.top_n?.n ?? 10, other_label: event.target.value } })}
                />
              </div>
            ) : null}
          </div>
        </div>
      </fieldset>
    </div>
  );
}
