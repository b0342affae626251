import { useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";

import { useToast } from "../../../components/feedback/Toasts";
import { ShareDialog } from "../../../components/sharing/ShareDialog";
import { Button } from "../../../components/ui/Button";
import { ConfirmDialog } from "../../../components/ui/ConfirmDialog";
import { Checkbox, SelectField, TextAreaField, TextField } from "../../../components/ui/Field";
import { PageHeader } from "../../../components/ui/PageHeader";
import { Alert, EmptyState, ErrorState, InlineError, LoadingState } from "../../../components/ui/States";
import { ApiProblem, fieldErrorsOf } from "../../../lib/api/problem";
import type { ChartOptions, ChartType, QueryFilter } from "../../../lib/api/types";
import { CHART_TYPES } from "../../../lib/api/types";
import { hasRole, useCurrentUser } from "../../../lib/auth/AuthProvider";
import { draftFromOperand, type OperandDraft } from "../../../lib/filters";
import { useDocumentTitle } from "../../../lib/hooks/useDocumentTitle";
import {
  chartKeys,
  useChart,
  useCreateChart,
  useDatasetChoices,
  useDatasetColumns,
  useDeleteChart,
  useUpdateChart,
  type LoadedChart,
} from "../api/charts";
import {
  draftProblems,
  emptyDraft,
  EMPTY_BUILDER_QUERY,
  normalizedSpec,
  type ChartDraft,
} from "../api/chart-draft";
import { ChartPreview } from "../components/ChartPreview";
import { ChartTypePicker } from "../components/ChartTypePicker";
import { QueryBuilder } from "../components/QueryBuilder";

export function NewChartRoute() {
  useDocumentTitle("New chart");
  const [searchParams] = useSearchParams();
  const initial = useMemo(() => ({ ...emptyDraft(), datasetId: searchParams.get("dataset") ?? "" }), [searchParams]);
  return <ChartEditor initial={initial} loaded={null} />;
}

export function EditChartRoute() {
  const { chartId = "" } = useParams();
  const chart = useChart(chartId);
  useDocumentTitle(chart.data?.chart.name ?? "Chart");
  if (chart.isPending) return <LoadingState label="Loading chart…" />;
  if (chart.isError) {
    return chart.error instanceof ApiProblem && chart.error.status === 404 ? (
      <EmptyState
        icon="chart"
        title="Chart not found"
        description="It may have been deleted, or it is not shared with you."
        action={<Link to="/charts">All charts</Link>}
      />
    ) : (
      <ErrorState error={chart.error} onRetry={() => void chart.refetch()} />
    );
  }
  const { chart: detail, spec } = chart.data;
  const initial: ChartDraft = {
    name: detail.name,
    description: detail.description,
    datasetId: detail.dataset_id,
    chartType: (CHART_TYPES as readonly string[]).includes(detail.chart_type) ? (detail.chart_type as ChartType) : "table",
    spec,
  };
  return <ChartEditor key={`${detail.id}-${detail.version}`} initial={initial} loaded={chart.data} />;
}

function initialFilterDrafts(filters: QueryFilter[]): OperandDraft[] {
  return filters.map((filter) => draftFromOperand(filter.value));
}

function ChartEditor({ initial, loaded }: { initial: ChartDraft; loaded: LoadedChart | null }) {
  const user = useCurrentUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const [draft, setDraft] = useState<ChartDraft>(initial);
  const [filterDrafts, setFilterDrafts] = useState<OperandDraft[]>(() =>
    initial.spec.query.mode === "builder" ? initialFilterDrafts(initial.spec.query.filters) : [],
  );
  const [showProblems, setShowProblems] = useState(false);
  const [sharing, setSharing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const datasets = useDatasetChoices();
  const columns = useDatasetColumns(draft.datasetId || undefined);
  const create = useCreateChart();
  const update = useUpdateChart();
  const remove = useDeleteChart();
  const save = loaded ? update : create;
  const fieldErrors = fieldErrorsOf(save.error);
  const chart = loaded?.chart ?? null;
  const readOnly = chart !== null && chart.access !== "edit";
  const mayAdminister = chart !== null && (chart.owner_id === user.id || hasRole(user, "admin"));
  const dirty = JSON.stringify(draft) !== JSON.stringify(initial);
  const problems = draftProblems(draft);
  const query = draft.spec.query;

  const setOptions = (patch: Partial<ChartOptions>) =>
    setDraft({ ...draft, spec: { ...draft.spec, options: { ...draft.spec.options, ...patch } } });

  const handleSave = () => {
    if (problems.length > 0) {
      setShowProblems(true);
      return;
    }
    const input = {
      name: draft.name.trim(),
      description: draft.description.trim(),
      chartType: draft.chartType,
      spec: normalizedSpec(draft.spec),
    };
    if (loaded) {
      update.mutate(
        { ...input, id: loaded.chart.id, version: loaded.chart.version },
        { onSuccess: () => notify("Chart saved") },
      );
    } else {
      create.mutate(
        { ...input, datasetId: draft.datasetId },
        {
          onSuccess: (accepted) => {
            notify("Chart created");
            navigate(`/charts/${accepted.id}`, { replace: true });
          },
        },
      );
    }
  };

  const generalError =
    save.error && !Object.keys(fieldErrors).some((field) => field.startsWith("spec.query.") || field === "name")
      ? save.error
      : null;

  return (
    <>
      <PageHeader
        breadcrumb={<Link to="/charts">Charts</Link>}
        title={chart ? chart.name : "New chart"}
        description={readOnly ? "You can view this chart; its owner can share edit access." : undefined}
        actions={
          <>
            {chart?.grants ? (
              <Button icon="share" onClick={() => setSharing(true)}>
                Share
              </Button>
            ) : null}
            {mayAdminister ? (
              <Button icon="trash" onClick={() => setDeleting(true)}>
                Delete
              </Button>
            ) : null}
            {!readOnly ? (
              <Button variant="primary" icon="check" busy={save.isPending} onClick={handleSave} disabled={loaded !== null && !dirty}>
                {loaded ? "Save changes" : "Create chart"}
              </Button>
            ) : null}
          </>
        }
      />
      <div className="editor-layout">
        <form
          className="editor-panel"
          aria-label="Chart settings"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            handleSave();
          }}
        >
          <fieldset disabled={readOnly} className="stack" style={{ gap: 16 }}>
            {showProblems && problems.length > 0 ? (
              <Alert tone="warning" title="Before saving">
                <ul style={{ margin: 0, paddingLeft: 18 }}>
                  {problems.map((problem) => (
                    <li key={problem}>{problem}</li>
                  ))}
                </ul>
              </Alert>
            ) : null}
            <InlineError error={generalError} title="The chart was not saved" />
            {save.error instanceof ApiProblem && save.error.status === 412 ? (
              <Alert
                tone="warning"
                action={
                  <Button size="small" onClick={() => void queryClient.invalidateQueries({ queryKey: chartKeys.details() })}>
                    Load their version
                  </Button>
                }
              >
                Someone else saved this chart in the meantime. Load their version, then make your change again.
              </Alert>
            ) : null}
            <section className="card card-body stack">
              <TextField
                label="Name"
                required
                value={draft.name}
                onChange={(event) => setDraft({ ...draft, name: event.target.value })}
                error={fieldErrors.name}
              />
              <TextAreaField
                label="Description"
                rows={2}
                value={draft.description}
                onChange={(event) => setDraft({ ...draft, description: event.target.value })}
                error={fieldErrors.description}
              />
              <SelectField
                label="Dataset"
                value={draft.datasetId}
                disabled={loaded !== null}
                hint={loaded ? "A chart keeps the dataset it was made from." : undefined}
                placeholder={datasets.isLoading ? "Loading datasets…" : "Choose a dataset"}
                options={(datasets.data?.items ?? []).map((dataset) => ({ value: dataset.id, label: dataset.name }))}
                onChange={(event) => {
                  setDraft({ ...draft, datasetId: event.target.value, spec: { query: EMPTY_BUILDER_QUERY, options: {} } });
                  setFilterDrafts([]);
                }}
                error={fieldErrors.dataset_id}
              />
              <ChartTypePicker value={draft.chartType} onChange={(chartType) => setDraft({ ...draft, chartType })} />
            </section>

            <section className="card card-body stack" aria-label="Query">
              <div className="row" style={{ justifyContent: "space-between" }}>
                <h2>Query</h2>
                <div className="segmented" role="radiogroup" aria-label="Query mode">
                  <button
                    type="button"
                    role="radio"
                    aria-checked={query.mode === "builder"}
                    onClick={() => {
                      if (query.mode === "builder") return;
                      setDraft({ ...draft, spec: { ...draft.spec, query: EMPTY_BUILDER_QUERY } });
                      setFilterDrafts([]);
                    }}
                  >
                    Builder
                  </button>
                  <button
                    type="button"
                    role="radio"
                    aria-checked={query.mode === "sql"}
                    onClick={() => {
                      if (query.mode === "sql") return;
                      setDraft({ ...draft, spec: { ...draft.spec, query: { mode: "sql", sql: "select *\nfrom dataset\nlimit 100" } } });
                    }}
                  >
                    SQL
                  </button>
                </div>
              </div>
              {!draft.datasetId ? (
                <p className="muted">Choose a dataset to build the query from its columns.</p>
              ) : query.mode === "sql" ? (
                <TextAreaField
                  label="SQL"
                  className="code"
                  rows={10}
                  spellCheck={false}
                  value={query.sql}
                  hint="One read-only SELECT. The dataset is the table named dataset."
                  error={fieldErrors["spec.query.sql"]}
                  onChange={(event) => setDraft({ ...draft, spec: { ...draft.spec, query: { mode: "sql", sql: event.target.value } } })}
                />
              ) : columns.isLoading ? (
                <LoadingState compact label="Loading the dataset's columns…" />
              ) : columns.isError ? (
                <ErrorState compact error={columns.error} onRetry={() => void columns.refetch()} />
              ) : (
                <QueryBuilder
                  query={query}
                  columns={columns.data ?? []}
                  fieldErrors={fieldErrors}
                  filterDrafts={filterDrafts}
                  onFilterDraftsChange={setFilterDrafts}
                  onChange={(nextQuery) => setDraft({ ...draft, spec: { ...draft.spec, query: nextQuery } })}
                />
              )}
              {fieldErrors["spec.query"] ? <p className="field-error">{fieldErrors["spec.query"]}</p> : null}
            </section>

            <section className="card card-body stack" aria-label="Display options">
              <h2>Display</h2>
              {draft.chartType === "bar" ? (
                <Checkbox
                  label="Horizontal bars"
                  checked={draft.spec.options.horizontal === true}
                  onChange={(event) => setOptions({ horizontal: event.target.checked })}
                />
              ) : null}
              {["bar", "line", "area"].includes(draft.chartType) ? (
                <Checkbox
                  label="Stack the series"
                  checked={draft.spec.options.stacked === true}
                  onChange={(event) => setOptions({ stacked: event.target.checked })}
                />
              ) : null}
              {["line", "area"].includes(draft.chartType) ? (
                <Checkbox
                  label="Smooth lines"
                  checked={draft.spec.options.smooth === true}
                  onChange={(event) => setOptions({ smooth: event.target.checked })}
                />
              ) : null}
              {draft.chartType === "histogram" ? (
                <TextField
                  label="Bins"
                  type="number"
                  min={1}
                  max={100}
                  value={draft.spec.options.bins ?? ""}
                  placeholder="Automatic"
                  error={fieldErrors["spec.options.bins"]}
                  onChange={(event) => setOptions({ bins: event.target.value ? Number(event.target.value) : undefined })}
                />
              ) : null}
              {["bar", "line", "area", "pie", "donut"].includes(draft.chartType) ? (
                <Checkbox
                  label="Show the legend"
                  checked={draft.spec.options.show_legend ?? ["pie", "donut"].includes(draft.chartType)}
                  onChange={(event) => setOptions({ show_legend: event.target.checked })}
                />
              ) : null}
            </section>
          </fieldset>
        </form>
        <div className="editor-preview">
          <ChartPreview
            chartId={chart?.id}
            chartName={chart?.name ?? draft.name}
            chartType={loaded?.chart.chart_type ?? draft.chartType}
            spec={loaded?.spec ?? null}
            dirty={dirty}
          />
        </div>
      </div>

      {chart ? (
        <ShareDialog
          open={sharing}
          onClose={() => setSharing(false)}
          resource="charts"
          resourceId={chart.id}
          resourceName={chart.name}
          grants={chart.grants}
          ownerId={chart.owner_id}
        resourceKey={chartKeys.detail(chart.id)}
        />
      ) : null}
      <ConfirmDialog
        open={deleting}
        title="Delete chart?"
        confirmLabel="Delete chart"
        busy={remove.isPending}
        error={remove.error}
        onCancel={() => setDeleting(false)}
        onConfirm={() =>
          chart &&
          remove.mutate(chart.id, {
            onSuccess: () => {
              notify(`Deleted "${chart.name}"`);
              navigate("/charts", { replace: true });
            },
          })
        }
      >
        <p>
          <strong>{chart?.name}</strong> will be deleted. Dashboards that show it keep an empty tile in its place.
        </p>
      </ConfirmDialog>
    </>
  );
}

