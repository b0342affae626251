import { useState } from "react";

import { FilterForm, type ColumnChoice } from "../../../components/filters/FilterEditor";
import { Button } from "../../../components/ui/Button";
import { Dialog } from "../../../components/ui/Dialog";
import { Icon } from "../../../components/ui/Icon";
import { InlineError } from "../../../components/ui/States";
import type { DashboardFilter, QueryFilter } from "../../../lib/api/types";
import { describeCondition, describeFilter } from "../../../lib/filters";

export interface FiltersBarProps {
  saved: DashboardFilter[];
  viewFilters: QueryFilter[];
  columns: ColumnChoice[];
  canEdit: boolean;
  saving: boolean;
  saveError: unknown;
  onChangeViewFilters: (filters: QueryFilter[]) => void;
  onChangeSaved: (filters: DashboardFilter[]) => void;
}

/**
 * The dashboard's filters. Saved filters apply for everyone; filters added "for this view" apply only
 * here (and in the page's address, so the filtered view can be linked to).
 */
export function FiltersBar({
  saved,
  viewFilters,
  columns,
  canEdit,
  saving,
  saveError,
  onChangeViewFilters,
  onChangeSaved,
}: FiltersBarProps) {
  const [adding, setAdding] = useState(false);
  const typeOf = (column: string) => columns.find((choice) => choice.name === column)?.dataType ?? "text";

  return (
    <section className="filters-bar" aria-label="Dashboard filters">
      <Icon name="filter" />
      {saved.length === 0 && viewFilters.length === 0 ? <span className="muted">No filters</span> : null}
      {saved.map((filter, index) => (
        <span key={filter.filter_id ?? `saved-${index}`} className="filter-chip filter-chip-saved" title="Saved with the dashboard">
          <strong>{filter.label}</strong>&nbsp;{describeCondition(filter, typeOf(filter.column))}
          {canEdit ? (
            <button
              type="button"
              aria-label={`Remove saved filter ${filter.label}`}
              disabled={saving}
              onClick={() => onChangeSaved(saved.filter((_, position) => position !== index))}
            >
              <Icon name="close" />
            </button>
          ) : (
            <span style={{ width: 6 }} />
          )}
        </span>
      ))}
      {viewFilters.map((filter, index) => (
        <span key={`view-${index}`} className="filter-chip">
          {describeFilter(filter, typeOf(filter.column))}
          <button
            type="button"
            aria-label={`Remove filter ${describeFilter(filter, typeOf(filter.column))}`}
            onClick={() => onChangeViewFilters(viewFilters.filter((_, position) => position !== index))}
          >
            <Icon name="close" />
          </button>
        </span>
      ))}
      <Button size="small" variant="ghost" icon="plus" onClick={() => setAdding(true)} disabled={columns.length === 0}>
        Add filter
      </Button>
      {viewFilters.length > 0 ? (
        <Button size="small" variant="ghost" onClick={() => onChangeViewFilters([])}>
          Clear view filters
        </Button>
      ) : null}
      <InlineError error={saveError} />
      <Dialog open={adding} onClose={() => setAdding(false)} title="Add a filter" description="Filters apply to every chart whose dataset has the column.">
        {adding ? (
          <FilterForm
            id="dashboard-filter-form"
            columns={columns}
            withLabel={canEdit}
            onSubmit={(filter, label, action) => {
              if (canEdit && action === "save") {
                onChangeSaved([...saved, { ...filter, label, filter_id: null }]);
              } else {
                onChangeViewFilters([...viewFilters, filter]);
              }
              setAdding(false);
            }}
          >
            {({ valid }) => (
              <div className="form-actions">
                <Button onClick={() => setAdding(false)}>Cancel</Button>
                <Button type="submit" value="view" variant={canEdit ? "secondary" : "primary"} disabled={!valid}>
                  Apply to this view
                </Button>
                {canEdit ? (
                  <Button type="submit" value="save" variant="primary" disabled={!valid}>
                    Save with dashboard
                  </Button>
                ) : null}
              </div>
            )}
          </FilterForm>
        ) : null}
      </Dialog>
    </section>
  );
}
