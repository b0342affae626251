/**
 * Formatting of numbers, dates and cell values for people, in their own locale.
 */
import type { CellValue, TimeBucket } from "./api/types";

const compactNumber = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });
const fullNumber = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const integerNumber = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

export function formatNumber(value: number): string {
  return fullNumber.format(value);
}

export function formatInteger(value: number): string {
  return integerNumber.format(value);
}

/** Short numbers for axes and big numbers: 12.3K, 4.5M. Small numbers keep their decimals. */
export function formatCompactNumber(value: number): string {
  return Math.abs(value) < 10_000 ? fullNumber.format(value) : compactNumber.format(value);
}

export function formatPercent(fraction: number): string {
  return new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1, signDisplay: "exceptZero" }).format(
    fraction,
  );
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
const RELATIVE_STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 7],
  ["week", 4.35],
  ["month", 12],
  ["year", Number.POSITIVE_INFINITY],
];

/** "3 minutes ago", "yesterday"; falls back to the date for anything unparsable. */
export function formatRelativeTime(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return "never";
  const time = new Date(iso).getTime();
  if (Number.isNaN(time)) return iso;
  let amount = (time - now) / 1000;
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(amount) < size) return relativeFormat.format(Math.round(amount), unit);
    amount /= size;
  }
  return formatDate(iso);
}

/**
 * A time-bucket start as a label: "Mar 2026" for a month, "Q1 2026" for a quarter. Buckets are in UTC,
 * so they are formatted in UTC too, or a month would show as the last day of the previous one.
 */
export function formatTimeBucket(iso: string, bucket: TimeBucket | null): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const utc = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(undefined, { timeZone: "UTC", ...options }).format(date);
  switch (bucket) {
    case "year":
      return utc({ year: "numeric" });
    case "quarter":
      return `Q${Math.floor(date.getUTCMonth() / 3) + 1} ${date.getUTCFullYear()}`;
    case "month":
      return utc({ month: "short", year: "numeric" });
    case "week":
    case "day":
      return utc({ day: "numeric", month: "short", year: "numeric" });
    case "hour":
    case "minute":
      return utc({ day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
    default: {
      const isMidnight =
        date.getUTCHours() === 0 && date.getUTCMinutes() === 0 && date.getUTCSeconds() === 0;
      return isMidnight ? utc({ dateStyle: "medium" }) : utc({ dateStyle: "medium", timeStyle: "short" });
    }
  }
}

export function isNumericType(dataType: string): boolean {
  return dataType === "integer" || dataType === "float";
}

export function isTemporalType(dataType: string): boolean {
  return dataType === "date" || dataType === "timestamp";
}

/** A result cell as text. */
export function formatCell(value: CellValue, dataType: string, bucket: TimeBucket | null = null): string {
  if (value === null) return "—";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return dataType === "integer" ? formatInteger(value) : formatNumber(value);
  if (isTemporalType(dataType)) return dataType === "date" && bucket === null ? formatDate(value) : formatTimeBucket(value, bucket);
  return value;
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : [parts[0] ?? "?"];
  return letters
    .map((part) => (part ?? "").charAt(0).toUpperCase())
    .join("")
    .slice(0, 2);
}

export function pluralize(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatInteger(count)} ${count === 1 ? singular : plural}`;
}
