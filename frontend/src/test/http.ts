/**
 * Helpers for unit tests that stand in for the server with a mocked `fetch`.
 */
import { vi } from "vitest";

export function jsonResponse(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  const status = init.status ?? 200;
  const contentType = status >= 400 ? "application/problem+json" : "application/json";
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": contentType, ...init.headers },
  });
}

export function problemResponse(status: number, detail: string, extra: Record<string, unknown> = {}): Response {
  return jsonResponse({ type: "urn:vizpro:problem:test", title: "Problem", status, detail, ...extra }, { status });
}

export type Handler = (request: Request) => Response | Promise<Response>;

/** Replaces `fetch` with a mock that hands every request to `handler`, and records the requests. */
export function mockFetch(handler: Handler) {
  const requests: Request[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push(request.clone());
    return handler(request);
  });
  vi.stubGlobal("fetch", fetchMock);
  return { fetchMock, requests };
}

export function pathOf(request: Request): string {
  return new URL(request.url).pathname;
}

export const TEST_USER = {
  id: "0190a1b2-0000-7000-8000-000000000001",
  email: "ada@example.com",
  display_name: "Ada Lovelace",
  role: "editor",
};

export function tokens(accessToken: string) {
  return { access_token: accessToken, token_type: "Bearer", expires_in: 900, user: TEST_USER };
}
