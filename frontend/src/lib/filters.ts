/**
 * Filters as people edit and read them. The operators and the shape of their operands follow the API:
 * `between` takes two values, `in` and `not_in` a list, `last` a count of time units, the null tests
 * nothing, and the comparisons one value.
 */
import {
  TIME_BUCKETS,
  type FilterOperator,
  type FilterValue,
  type QueryFilter,
  type Scalar,
  type TimeBucket,
} from "./api/types";
import { formatCell, isNumericType, isTemporalType } from "./format";

export const OPERATOR_LABELS: Record<FilterOperator, string> = {
  eq: "is",
  ne: "is not",
  lt: "is less than",
  lte: "is at most",
  gt: "is greater than",
  gte: "is at least",
  between: "is between",
  in: "is one of",
  not_in: "is none of",
  contains: "contains",
  is_null: "is empty",
  is_not_null: "is not empty",
  last: "is in the last",
};

export type OperandShape = "scalar" | "range" | "list" | "text" | "none" | "window";

export function operandShape(op: FilterOperator): OperandShape {
  switch (op) {
    case "between":
      return "range";
    case "in":
    case "not_in":
      return "list";
    case "contains":
      return "text";
    case "is_null":
    case "is_not_null":
      return "none";
    case "last":
      return "window";
    default:
      return "scalar";
  }
}

/** The operators that make sense for a column of this type. */
export function operatorsFor(dataType: string): FilterOperator[] {
  if (isTemporalType(dataType)) return ["last", "between", "gte", "lte", "gt", "lt", "eq", "ne", "is_null", "is_not_null"];
  if (isNumericType(dataType)) return ["eq", "ne", "gt", "gte", "lt", "lte", "between", "in", "not_in", "is_null", "is_not_null"];
  if (dataType === "boolean") return ["eq", "ne", "is_null", "is_not_null"];
  return ["eq", "ne", "in", "not_in", "contains", "is_null", "is_not_null"];
}

/** The text a person typed, as the operand of the column's type. */
export function parseScalar(text: string, dataType: string): Scalar {
  const trimmed = text.trim();
  if (isNumericType(dataType) && trimmed !== "" && !Number.isNaN(Number(trimmed))) return Number(trimmed);
  if (dataType === "boolean") return trimmed.toLowerCase() === "true";
  return trimmed;
}

/** The operand being edited: text for each input, kept apart from its parsed value. */
export interface OperandDraft {
  first: string;
  second: string;
  count: string;
  unit: TimeBucket;
}

export const EMPTY_OPERAND: OperandDraft = { first: "", second: "", count: "7", unit: "day" };

/**
 * The operand of a draft, or a sentence saying what is missing. Lists are comma-separated.
 */
export function operandFromDraft(
  op: FilterOperator,
  draft: OperandDraft,
  dataType: string,
): { value: FilterValue } | { error: string } {
  switch (operandShape(op)) {
    case "none":
      return { value: null };
    case "window": {
      const count = Number(draft.count);
      if (!Number.isInteger(count) || count < 1) return { error: "Enter a whole number of at least 1." };
      return { value: { count, unit: draft.unit } };
    }
    case "range":
      if (!draft.first.trim() || !draft.second.trim()) return { error: "Enter both ends of the range." };
      return { value: [parseScalar(draft.first, dataType), parseScalar(draft.second, dataType)] };
    case "list": {
      const items = draft.first
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean)
        .map((item) => parseScalar(item, dataType));
      return items.length > 0 ? { value: items } : { error: "Enter at least one value." };
    }
    case "text":
      return draft.first.trim() ? { value: draft.first.trim() } : { error: "Enter the text to look for." };
    case "scalar":
      return draft.first.trim() || dataType === "boolean"
        ? { value: parseScalar(draft.first, dataType) }
        : { error: "Enter a value." };
  }
}

/** The draft that edits an existing operand. */
export function draftFromOperand(value: FilterValue): OperandDraft {
  if (value === null) return EMPTY_OPERAND;
  if (Array.isArray(value)) {
    return value.length === 2
      ? { ...EMPTY_OPERAND, first: String(value[0]), second: String(value[1]) }
      : { ...EMPTY_OPERAND, first: value.map(String).join(", ") };
  }
  if (typeof value === "object") return { ...EMPTY_OPERAND, count: String(value.count), unit: value.unit };
  return { ...EMPTY_OPERAND, first: String(value) };
}

function describeOperand(value: FilterValue, dataType: string): string {
  if (value === null) return "";
  if (Array.isArray(value)) {
    return value.length === 2 && typeof value[0] !== "undefined"
      ? value.map((item) => formatCell(item, dataType)).join(" and ")
      : value.map((item) => formatCell(item, dataType)).join(", ");
  }
  if (typeof value === "object") return `${value.count} ${value.unit}${value.count === 1 ? "" : "s"}`;
  return formatCell(value, dataType);
}

/** "is East", "is in the last 3 months": the condition without the column. */
export function describeCondition(filter: QueryFilter, dataType = "text"): string {
  return [OPERATOR_LABELS[filter.op], describeOperand(filter.value, dataType)].filter(Boolean).join(" ");
}

/** "region is East", "ordered_at is in the last 3 months". */
export function describeFilter(filter: QueryFilter, dataType = "text"): string {
  return `${filter.column} ${describeCondition(filter, dataType)}`;
}

export const TIME_UNIT_OPTIONS = TIME_BUCKETS.map((unit) => ({ value: unit, label: `${unit}s` }));
