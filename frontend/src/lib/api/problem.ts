/**
 * RFC 9457 problem documents turned into errors that the interface can show: a sentence for the
 * person (`detail`), and field errors to put next to the form fields they are about.
 */
import { isRecord } from "./decoders";

export interface ProblemFieldError {
  field: string;
  message: string;
}

const STATUS_MESSAGES: Record<number, string> = {
  400: "The request was not understood.",
  401: "Your session has ended. Please sign in again.",
  403: "You do not have permission to do this.",
  404: "This item does not exist or is not shared with you.",
  409: "This conflicts with the current state. Reload and try again.",
  410: "This item has been deleted.",
  412: "Someone else changed this in the meantime. Reload to see their changes, then try again.",
  413: "The file is larger than the server accepts.",
  422: "Some of the values are not valid.",
  429: "Too many requests. Please wait a moment and try again.",
  500: "The server ran into an error. Please try again.",
  502: "The server could not reach a service it needs. Please try again.",
  503: "The service is busy or catching up. Please try again in a moment.",
  504: "The server took too long to answer. Please try again.",
};

export class ApiProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly fieldErrors: ProblemFieldError[];
  /** Further members some problems carry, such as `expected_version` and `actual_version`. */
  readonly extensions: Record<string, unknown>;

  constructor(init: {
    status: number;
    type?: string;
    title?: string;
    detail?: string;
    fieldErrors?: ProblemFieldError[];
    extensions?: Record<string, unknown>;
  }) {
    const detail = init.detail?.trim() || fallbackMessage(init.status, init.title);
    super(detail);
    this.name = "ApiProblem";
    this.status = init.status;
    this.type = init.type ?? "about:blank";
    this.title = init.title ?? "";
    this.detail = detail;
    this.fieldErrors = init.fieldErrors ?? [];
    this.extensions = init.extensions ?? {};
  }

  /** True for the problem a request gets when the browser cannot reach the server at all. */
  get isNetworkFailure(): boolean {
    return this.status === 0;
  }

  /** The message of the first field error for `field` or any field below it (`connection.host`). */
  fieldError(field: string): string | undefined {
    return this.fieldErrors.find(
      (error) =>
        error.field === field ||
        error.field.startsWith(`${field}.`) ||
        error.field.startsWith(`${field}[`),
    )?.message;
  }
}

function fallbackMessage(status: number, title?: string): string {
  if (title?.trim()) return title.trim().endsWith(".") ? title.trim() : `${title.trim()}.`;
  return STATUS_MESSAGES[status] ?? `The server answered with an unexpected error (${status}).`;
}

function decodeFieldErrors(raw: unknown): ProblemFieldError[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isRecord).map((error) => ({
    field: typeof error.field === "string" ? error.field : "",
    message: typeof error.message === "string" ? error.message : "is not valid",
  }));
}

const KNOWN_MEMBERS = new Set(["type", "title", "status", "detail", "errors", "instance"]);

/**
 * Builds a problem from whatever an error response carried. A body that is not a problem document
 * (an HTML page from a proxy, plain text, nothing) gives a plain sentence for the status instead,
 * never the raw body.
 */
export function problemFromBody(body: unknown, status: number): ApiProblem {
  if (!isRecord(body)) return new ApiProblem({ status });
  const extensions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!KNOWN_MEMBERS.has(key)) extensions[key] = value;
  }
  return new ApiProblem({
    status: typeof body.status === "number" ? body.status : status,
    type: typeof body.type === "string" ? body.type : undefined,
    title: typeof body.title === "string" ? body.title : undefined,
    detail: typeof body.detail === "string" ? body.detail : undefined,
    fieldErrors: decodeFieldErrors(body.errors),
    extensions,
  });
}

export function networkProblem(): ApiProblem {
  return new ApiProblem({
    status: 0,
    type: "urn:vizpro:problem:network",
    title: "Cannot reach the server",
    detail: "The server cannot be reached. Check your connection and try again.",
  });
}

/** A sentence for any error, for places that only have room for one. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiProblem) return error.detail;
  if (error instanceof Error && error.message) return error.message;
  return "Something went wrong. Please try again.";
}

/** The field errors of an error, keyed by field path, for forms. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  if (!(error instanceof ApiProblem)) return {};
  const byField: Record<string, string> = {};
  for (const fieldError of error.fieldErrors) {
    byField[fieldError.field] ??= fieldError.message;
  }
  return byField;
}
