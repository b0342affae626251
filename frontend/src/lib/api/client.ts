/**
 * The one HTTP client of the application. Every request to the API goes through `api` (generated from
 * openapi.json) or, for uploads that report progress, through `uploadWithProgress`; both share what
 * this module does centrally:
 *
 * - the access token is attached to every request;
 * - a 401 triggers one refresh of the session (shared by every request that hit it at the same time)
 *   and one retry; when the refresh fails the session ends and the app shows the sign-in page;
 * - the highest event position any command answered with is remembered and sent as `X-Min-Position`
 *   on the reads of the following half minute, so a read never shows data from before the user's own
 *   change (see `read-your-writes.ts`).
 */
import createClient from "openapi-fetch";

import { sessionHint } from "../auth/session-hint";
import { tokenStore } from "../auth/token-store";
import { readYourWrites } from "./read-your-writes";
import { ApiProblem, networkProblem, problemFromBody } from "./problem";
import type { paths } from "./schema";
import type { Accepted } from "./types";

const AUTH_PATH_PREFIX = "/api/v1/auth/";
const READ_METHODS = new Set(["GET", "HEAD"]);

function apiOrigin(): string {
  // Request URLs must be absolute outside the browser (tests run in Node); in the browser this is
  // simply the page's own origin, which serves the API through the same host.
  return globalThis.location?.origin ?? "http://localhost";
}

function isAuthEndpoint(url: string): boolean {
  return new URL(url, apiOrigin()).pathname.startsWith(AUTH_PATH_PREFIX);
}

function authorize(request: Request, accessToken: string | null): void {
  if (accessToken) request.headers.set("Authorization", `Bearer ${accessToken}`);
  else request.headers.delete("Authorization");
}

function requireMinimumPosition(request: Request): void {
  const position = readYourWrites.highestPosition();
  if (READ_METHODS.has(request.method) && position > 0) {
    request.headers.set("X-Min-Position", String(position));
  }
}

/** Remembers the position a successful command answered with, from its header or its body. */
async function rememberPosition(request: Request, response: Response): Promise<void> {
  if (READ_METHODS.has(request.method) || !response.ok) return;
  const header = response.headers.get("X-Position");
  if (header !== null && readYourWrites.observe(Number(header))) return;
  if (!response.headers.get("Content-Type")?.includes("json")) return;
  try {
    const body: unknown = await response.clone().json();
    if (typeof body === "object" && body !== null && "position" in body) {
      readYourWrites.observe(Number(body.position));
    }
  } catch {
    // A body that is not JSON carries no position; nothing to remember.
  }
}

let refreshInFlight: Promise<boolean> | null = null;

async function performRefresh(): Promise<boolean> {
  try {
    const { data, response } = await api.POST("/api/v1/auth/refresh");
    if (response.ok && data) {
      tokenStore.setTokens(data);
      return true;
    }
    tokenStore.clear("expired");
    sessionHint.clear();
    return false;
  } catch {
    // The server could not be reached: the session is not known to be over, so it is kept, and the
    // request that needed the refresh fails with its own network problem.
    return false;
  }
}

/**
 * Exchanges the refresh cookie for a new access token. Concurrent callers share one request, and
 * across tabs a Web Lock serialises refreshes, because the server rotates the refresh token and
 * treats a second use of the old one as theft, ending every session of the user.
 */
export function refreshAccessToken(): Promise<boolean> {
  if (refreshInFlight) return refreshInFlight;
  const locks = globalThis.navigator?.locks;
  const run = async (): Promise<boolean> =>
    locks ? await locks.request("vizpro-session-refresh", () => performRefresh()) : performRefresh();
  refreshInFlight = run().finally(() => {
    refreshInFlight = null;
  });
  return refreshInFlight;
}

/** Sends a request with the session, refreshing it and retrying once when the server answers 401. */
export async function sendWithSession(request: Request): Promise<Response> {
  const authEndpoint = isAuthEndpoint(request.url);
  // The retry needs the body again, and a body can be read only once: keep a copy before sending.
  const retryCopy = authEndpoint ? null : request.clone();
  const tokenUsed = tokenStore.getAccessToken();
  if (!authEndpoint) {
    authorize(request, tokenUsed);
    requireMinimumPosition(request);
  }
  const response = await globalThis.fetch(request);
  if (response.status !== 401 || retryCopy === null) {
    await rememberPosition(request, response);
    return response;
  }
  // Another request may have refreshed the session while this one was on its way; then the new
  // token is simply used, without refreshing again.
  const tokenNow = tokenStore.getAccessToken();
  const refreshed = tokenNow !== null && tokenNow !== tokenUsed ? true : await refreshAccessToken();
  if (!refreshed) return response;
  authorize(retryCopy, tokenStore.getAccessToken());
  requireMinimumPosition(retryCopy);
  const retried = await globalThis.fetch(retryCopy);
  if (retried.status === 401) tokenStore.clear("expired");
  await rememberPosition(retryCopy, retried);
  return retried;
}

export const api = createClient<paths>({
  baseUrl: apiOrigin(),
  credentials: "same-origin",
  fetch: sendWithSession,
});

interface ClientResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** The data of a successful call; never `undefined` except for answers without a body. */
type DataOf<R extends ClientResult> = Exclude<R["data"], undefined>;

/**
 * Awaits a call of `api` and returns its data, or throws an `ApiProblem` that the interface can
 * show. Network failures become a problem too, so callers handle one kind of error.
 */
export async function unwrap<R extends ClientResult>(pending: Promise<R>): Promise<DataOf<R>> {
  let result: R;
  try {
    result = await pending;
  } catch (cause) {
    if (cause instanceof ApiProblem) throw cause;
    throw networkProblem();
  }
  const { data, error, response } = result;
  if (!response.ok) throw problemFromBody(error, response.status);
  return data as DataOf<R>;
}

/** Like `unwrap`, for the headers of the answer too (`X-Cache`, `ETag`). */
export async function unwrapWithResponse<R extends ClientResult>(
  pending: Promise<R>,
): Promise<{ data: DataOf<R>; response: Response }> {
  let result: R;
  try {
    result = await pending;
  } catch (cause) {
    if (cause instanceof ApiProblem) throw cause;
    throw networkProblem();
  }
  const { data, error, response } = result;
  if (!response.ok) throw problemFromBody(error, response.status);
  return { data: data as DataOf<R>, response };
}

/** The `If-Match` header that guards a change against someone else's change since `version`. */
export function ifMatch(version: number): { "If-Match": string } {
  return { "If-Match": `"${version}"` };
}

export interface UploadProgress {
  loaded: number;
  total: number;
}

function sendUpload(
  url: string,
  form: FormData,
  onProgress: (progress: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<{ status: number; body: unknown; position: string | null }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    const token = tokenStore.getAccessToken();
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.setRequestHeader("Accept", "application/json, application/problem+json");
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress({ loaded: event.loaded, total: event.total });
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      resolve({ status: xhr.status, body, position: xhr.getResponseHeader("X-Position") });
    };
    xhr.onerror = () => reject(networkProblem());
    xhr.onabort = () =>
      reject(new ApiProblem({ status: 0, title: "Upload cancelled", detail: "The upload was cancelled." }));
    signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(form);
  });
}

/**
 * Uploads a CSV file as the next version of a dataset, reporting progress. `fetch` cannot report
 * upload progress, so this one request uses XMLHttpRequest, with the same session, 401 retry and
 * position handling as every other command.
 */
export async function uploadWithProgress(
  datasetId: string,
  file: File,
  options: Record<string, unknown> | null,
  onProgress: (progress: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<Accepted> {
  const url = `${apiOrigin()}/api/v1/datasets/${encodeURIComponent(datasetId)}/versions`;
  const buildForm = () => {
    const form = new FormData();
    form.append("file", file, file.name);
    if (options && Object.keys(options).length > 0) form.append("options", JSON.stringify(options));
    return form;
  };
  let result = await sendUpload(url, buildForm(), onProgress, signal);
  if (result.status === 401 && (await refreshAccessToken())) {
    result = await sendUpload(url, buildForm(), onProgress, signal);
  }
  if (result.status < 200 || result.status >= 300) throw problemFromBody(result.body, result.status);
  const accepted = result.body as Accepted;
  readYourWrites.observe(Number(result.position ?? accepted.position));
  return accepted;
}
