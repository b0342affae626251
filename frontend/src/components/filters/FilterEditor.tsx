import { useState, type FormEvent, type ReactNode } from "react";

import type { FilterOperator, QueryFilter, TimeBucket } from "../../lib/api/types";
import {
  draftFromOperand,
  EMPTY_OPERAND,
  operandFromDraft,
  operandShape,
  OPERATOR_LABELS,
  operatorsFor,
  TIME_UNIT_OPTIONS,
  type OperandDraft,
} from "../../lib/filters";
import { isNumericType } from "../../lib/format";
import { SelectField, TextField } from "../ui/Field";

export interface ColumnChoice {
  name: string;
  dataType: string;
}

export interface FilterFieldsProps {
  columns: ColumnChoice[];
  column: string;
  op: FilterOperator;
  draft: OperandDraft;
  onChange: (next: { column: string; op: FilterOperator; draft: OperandDraft }) => void;
  error?: string;
  /** Prefix for the labels, to tell the rows of a list of filters apart for screen readers. */
  labelPrefix?: string;
}

function inputTypeFor(dataType: string): string {
  if (isNumericType(dataType)) return "number";
  if (dataType === "date") return "date";
  if (dataType === "timestamp") return "datetime-local";
  return "text";
}

/** Column, operator and operand of one filter, with the operand inputs its operator needs. */
export function FilterFields({ columns, column, op, draft, onChange, error, labelPrefix = "" }: FilterFieldsProps) {
  const dataType = columns.find((choice) => choice.name === column)?.dataType ?? "text";
  const operators = operatorsFor(dataType);
  const shape = operandShape(op);
  const inputType = inputTypeFor(dataType);
  const change = (patch: Partial<{ column: string; op: FilterOperator; draft: OperandDraft }>) =>
    onChange({ column, op, draft, ...patch });

  return (
    <>
      <SelectField
        label={`${labelPrefix}Column`}
        value={column}
        placeholder="Choose a column"
        options={columns.map((choice) => ({ value: choice.name, label: `${choice.name} (${choice.dataType})` }))}
        onChange={(event) => {
          const nextType = columns.find((choice) => choice.name === event.target.value)?.dataType ?? "text";
          const nextOperators = operatorsFor(nextType);
          change({
            column: event.target.value,
            op: nextOperators.includes(op) ? op : (nextOperators[0] ?? "eq"),
            draft: EMPTY_OPERAND,
          });
        }}
      />
      <SelectField
        label={`${labelPrefix}Condition`}
        value={op}
        options={operators.map((value) => ({ value, label: OPERATOR_LABELS[value] }))}
        onChange={(event) => change({ op: event.target.value as FilterOperator })}
      />
      {shape === "none" ? null : shape === "window" ? (
        <div className="row" style={{ alignItems: "flex-end", flexWrap: "nowrap" }}>
          <TextField
            label={`${labelPrefix}Count`}
            type="number"
            min={1}
            value={draft.count}
            onChange={(event) => change({ draft: { ...draft, count: event.target.value } })}
            error={error}
          />
          <SelectField
            label={`${labelPrefix}Unit`}
            value={draft.unit}
            options={TIME_UNIT_OPTIONS}
            onChange={(event) => change({ draft: { ...draft, unit: event.target.value as TimeBucket } })}
          />
        </div>
      ) : shape === "range" ? (
        <div className="row" style={{ alignItems: "flex-end", flexWrap: "nowrap" }}>
          <TextField
            label={`${labelPrefix}From`}
            type={inputType}
            value={draft.first}
            onChange={(event) => change({ draft: { ...draft, first: event.target.value } })}
            error={error}
          />
          <TextField
            label={`${labelPrefix}To`}
            type={inputType}
            value={draft.second}
            onChange={(event) => change({ draft: { ...draft, second: event.target.value } })}
          />
        </div>
      ) : dataType === "boolean" && shape === "scalar" ? (
        <SelectField
          label={`${labelPrefix}Value`}
          value={draft.first || "true"}
          options={[
            { value: "true", label: "true" },
            { value: "false", label: "false" },
          ]}
          onChange={(event) => change({ draft: { ...draft, first: event.target.value } })}
        />
      ) : (
        <TextField
          label={`${labelPrefix}${shape === "list" ? "Values" : "Value"}`}
          type={shape === "scalar" ? inputType : "text"}
          value={draft.first}
          hint={shape === "list" ? "Separate values with commas." : undefined}
          onChange={(event) => change({ draft: { ...draft, first: event.target.value } })}
          error={error}
        />
      )}
    </>
  );
}

export interface FilterFormProps {
  columns: ColumnChoice[];
  initial?: QueryFilter;
  /** Whether to ask for a label, as dashboard filters have. */
  withLabel?: boolean;
  initialLabel?: string;
  /** `action` is the `value` of the submit button used, so a form can offer several ways to submit. */
  onSubmit: (filter: QueryFilter, label: string, action: string | null) => void;
  children: (state: { valid: boolean }) => ReactNode;
  id: string;
}

/** A form for one filter; its submit buttons come from `children`, so callers choose what submitting means. */
export function FilterForm({ columns, initial, withLabel, initialLabel, onSubmit, children, id }: FilterFormProps) {
  const [column, setColumn] = useState(initial?.column ?? columns[0]?.name ?? "");
  const firstType = columns.find((choice) => choice.name === column)?.dataType ?? "text";
  const [op, setOp] = useState<FilterOperator>(initial?.op ?? operatorsFor(firstType)[0] ?? "eq");
  const [draft, setDraft] = useState<OperandDraft>(initial ? draftFromOperand(initial.value) : EMPTY_OPERAND);
  const [label, setLabel] = useState(initialLabel ?? "");
  const [error, setError] = useState<string | undefined>();
  const dataType = columns.find((choice) => choice.name === column)?.dataType ?? "text";

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!column) {
      setError("Choose a column.");
      return;
    }
    const operand = operandFromDraft(op, draft, dataType);
    if ("error" in operand) {
      setError(operand.error);
      return;
    }
    setError(undefined);
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const action = submitter instanceof HTMLButtonElement ? submitter.value || null : null;
    onSubmit({ column, op, value: operand.value }, label.trim() || column, action);
  };

  return (
    <form id={id} className="form" onSubmit={handleSubmit} noValidate>
      {withLabel ? (
        <TextField
          label="Label"
          value={label}
          placeholder={column || "Shown on the dashboard"}
          onChange={(event) => setLabel(event.target.value)}
        />
      ) : null}
      <FilterFields
        columns={columns}
        column={column}
        op={op}
        draft={draft}
        error={error}
        onChange={(next) => {
          setColumn(next.column);
          setOp(next.op);
          setDraft(next.draft);
          setError(undefined);
        }}
      />
      {!column && error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {children({ valid: Boolean(column) })}
    </form>
  );
}
