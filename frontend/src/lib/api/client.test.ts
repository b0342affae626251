import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { jsonResponse, mockFetch, pathOf, problemResponse, tokens } from "../../test/http";
import { tokenStore } from "../auth/token-store";
import { api, ifMatch, unwrap } from "./client";
import { ApiProblem } from "./problem";
import { readYourWrites } from "./read-your-writes";

const DASHBOARD_ID = "0190a1b2-0000-7000-8000-0000000000d1";

beforeEach(() => {
  readYourWrites.reset();
  tokenStore.setTokens(tokens("old-token"));
});

afterEach(() => {
  tokenStore.clear("signed-out");
  vi.unstubAllGlobals();
});

describe("the session on a 401", () => {
  it("refreshes once and retries the request with the new token", async () => {
    const { requests } = mockFetch((request) => {
      if (pathOf(request) === "/api/v1/auth/refresh") return jsonResponse(tokens("new-token"));
      return request.headers.get("Authorization") === "Bearer new-token"
        ? jsonResponse({ items: [], next_cursor: null })
        : problemResponse(401, "The access token has expired.");
    });

    const page = await unwrap(api.GET("/api/v1/dashboards"));

    expect(page.items).toEqual([]);
    expect(requests.map((request) => pathOf(request))).toEqual([
      "/api/v1/dashboards",
      "/api/v1/auth/refresh",
      "/api/v1/dashboards",
    ]);
    expect(requests[0]?.headers.get("Authorization")).toBe("Bearer old-token");
    expect(requests[2]?.headers.get("Authorization")).toBe("Bearer new-token");
    expect(tokenStore.getAccessToken()).toBe("new-token");
  });

  it("retries a command with its body intact", async () => {
    const { requests } = mockFetch((request) => {
      if (pathOf(request) === "/api/v1/auth/refresh") return jsonResponse(tokens("new-token"));
      return request.headers.get("Authorization") === "Bearer new-token"
        ? jsonResponse({ id: DASHBOARD_ID, version: 1, position: 7 }, { status: 201 })
        : problemResponse(401, "The access token has expired.");
    });

    await unwrap(api.POST("/api/v1/dashboards", { body: { name: "Revenue" } }));

    const retried = requests[2];
    expect(retried?.method).toBe("POST");
    expect(await retried?.json()).toEqual({ name: "Revenue" });
  });

  it("shares one refresh between requests that fail together", async () => {
    const { requests } = mockFetch(async (request) => {
      if (pathOf(request) === "/api/v1/auth/refresh") return jsonResponse(tokens("new-token"));
      return request.headers.get("Authorization") === "Bearer new-token"
        ? jsonResponse({ items: [], next_cursor: null })
        : problemResponse(401, "The access token has expired.");
    });

    await Promise.all([
      unwrap(api.GET("/api/v1/dashboards")),
      unwrap(api.GET("/api/v1/charts")),
      unwrap(api.GET("/api/v1/datasets")),
    ]);

    const refreshes = requests.filter((request) => pathOf(request) === "/api/v1/auth/refresh");
    expect(refreshes).toHaveLength(1);
  });

  it("signs out when the refresh fails, without retrying", async () => {
    const { requests } = mockFetch((request) =>
      pathOf(request) === "/api/v1/auth/refresh"
        ? problemResponse(401, "This refresh token was already used; sign in again.")
        : problemResponse(401, "The access token has expired."),
    );

    await expect(unwrap(api.GET("/api/v1/dashboards"))).rejects.toMatchObject({ status: 401 });

    expect(requests.map((request) => pathOf(request))).toEqual(["/api/v1/dashboards", "/api/v1/auth/refresh"]);
    expect(tokenStore.getSession()).toBeNull();
    expect(tokenStore.getLastSignOutReason()).toBe("expired");
  });

  it("retries only once even when the retry is refused again", async () => {
    const { requests } = mockFetch((request) =>
      pathOf(request) === "/api/v1/auth/refresh"
        ? jsonResponse(tokens("new-token"))
        : problemResponse(401, "The account was deactivated."),
    );

    await expect(unwrap(api.GET("/api/v1/charts"))).rejects.toBeInstanceOf(ApiProblem);

    expect(requests.filter((request) => pathOf(request) === "/api/v1/charts")).toHaveLength(2);
    expect(tokenStore.getSession()).toBeNull();
  });

  it("does not try to refresh when signing in fails", async () => {
    tokenStore.clear("signed-out");
    const { requests } = mockFetch(() => problemResponse(401, "The email or password is wrong."));

    await expect(
      unwrap(api.POST("/api/v1/auth/login", { body: { email: "a@example.com", password: "wrong" } })),
    ).rejects.toMatchObject({ detail: "The email or password is wrong." });

    expect(requests).toHaveLength(1);
  });
});

describe("read-your-writes", () => {
  it("sends the position of the last command as X-Min-Position on later reads", async () => {
    const { requests } = mockFetch((request) =>
      request.method === "POST"
        ? jsonResponse({ id: DASHBOARD_ID, version: 1, position: 42 }, { status: 201, headers: { "X-Position": "42" } })
        : jsonResponse({ items: [], next_cursor: null }),
    );

    await unwrap(api.GET("/api/v1/dashboards"));
    await unwrap(api.POST("/api/v1/dashboards", { body: { name: "Revenue" } }));
    await unwrap(api.GET("/api/v1/dashboards"));

    expect(requests[0]?.headers.get("X-Min-Position")).toBeNull();
    expect(requests[1]?.headers.get("X-Min-Position")).toBeNull();
    expect(requests[2]?.headers.get("X-Min-Position")).toBe("42");
  });

  it("takes the position from the body when the header is missing, and keeps the highest", async () => {
    let position = 50;
    const { requests } = mockFetch((request) => {
      if (request.method === "GET") return jsonResponse({ items: [], next_cursor: null });
      const answer = jsonResponse({ id: DASHBOARD_ID, version: 2, position });
      position = 30;
      return answer;
    });

    await unwrap(api.PATCH("/api/v1/dashboards/{id}", { params: { path: { id: DASHBOARD_ID } }, body: { name: "A" } }));
    await unwrap(api.PATCH("/api/v1/dashboards/{id}", { params: { path: { id: DASHBOARD_ID } }, body: { name: "B" } }));
    await unwrap(api.GET("/api/v1/dashboards"));

    expect(requests[2]?.headers.get("X-Min-Position")).toBe("50");
  });

  it("ignores commands that changed nothing", async () => {
    const { requests } = mockFetch((request) =>
      request.method === "GET"
        ? jsonResponse({ items: [], next_cursor: null })
        : jsonResponse({ id: DASHBOARD_ID, version: 2, position: null }),
    );

    await unwrap(api.PATCH("/api/v1/dashboards/{id}", { params: { path: { id: DASHBOARD_ID } }, body: { name: "A" } }));
    await unwrap(api.GET("/api/v1/dashboards"));

    expect(requests[1]?.headers.get("X-Min-Position")).toBeNull();
  });
});

describe("optimistic concurrency", () => {
  it("sends the known version as If-Match and turns a 412 into a readable problem", async () => {
    const { requests } = mockFetch(() =>
      problemResponse(412, "If-Match named version 3 but the resource is at version 4.", {
        expected_version: 3,
        actual_version: 4,
      }),
    );

    const failure = unwrap(
      api.PATCH("/api/v1/dashboards/{id}", {
        params: { path: { id: DASHBOARD_ID } },
        body: { name: "Renamed" },
        headers: ifMatch(3),
      }),
    );

    await expect(failure).rejects.toMatchObject({
      status: 412,
      detail: "If-Match named version 3 but the resource is at version 4.",
      extensions: { expected_version: 3, actual_version: 4 },
    });
    expect(requests[0]?.headers.get("If-Match")).toBe('"3"');
  });
});

describe("network failures", () => {
  it("become a problem with a sentence for people", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => {
        throw new TypeError("Failed to fetch");
      }),
    );

    await expect(unwrap(api.GET("/api/v1/dashboards"))).rejects.toMatchObject({
      status: 0,
      detail: "The server cannot be reached. Check your connection and try again.",
    });
  });
});
