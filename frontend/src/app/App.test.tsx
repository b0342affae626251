import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { createQueryClient } from "../lib/api/query-client";
import { sessionHint } from "../lib/auth/session-hint";
import { tokenStore } from "../lib/auth/token-store";
import { jsonResponse, mockFetch, pathOf, problemResponse, TEST_USER } from "../test/http";
import { AppProviders } from "./providers";
import { routes } from "./router";

function renderApp(path: string) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  render(
    <AppProviders queryClient={createQueryClient()}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return router;
}

beforeEach(() => {
  // This browser signed in before, so the app tries to continue that session.
  sessionHint.set();
});

afterEach(() => {
  tokenStore.clear("signed-out");
  vi.unstubAllGlobals();
});

describe("starting the app", () => {
  it("restores the session from the refresh cookie and shows the navigation", async () => {
    mockFetch((request) => {
      if (pathOf(request) === "/api/v1/auth/refresh") {
        return jsonResponse({
          access_token: "token",
          token_type: "Bearer",
          expires_in: 900,
          user: { ...TEST_USER, role: "admin" },
        });
      }
      return jsonResponse({ items: [], next_cursor: null });
    });

    renderApp("/dashboards");

    expect(await screen.findByRole("navigation", { name: "Main" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Users" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /Ada Lovelace/ })).toBeInTheDocument();
  });

  it("hides the users page from people who are not admins", async () => {
    mockFetch((request) =>
      pathOf(request) === "/api/v1/auth/refresh"
        ? jsonResponse({ access_token: "token", token_type: "Bearer", expires_in: 900, user: TEST_USER })
        : jsonResponse({ items: [], next_cursor: null }),
    );

    renderApp("/dashboards");

    expect(await screen.findByRole("link", { name: "Dashboards" })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Users" })).not.toBeInTheDocument();
  });

  it("sends visitors without a session to the sign-in page and back after signing in", async () => {
    mockFetch((request) => {
      if (pathOf(request) === "/api/v1/auth/refresh") return problemResponse(401, "No refresh cookie was sent.");
      if (pathOf(request) === "/api/v1/auth/login") {
        return jsonResponse({ access_token: "token", token_type: "Bearer", expires_in: 900, user: TEST_USER });
      }
      return jsonResponse({ items: [], next_cursor: null });
    });

    const router = renderApp("/charts");

    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.queryByText(/session has ended/)).not.toBeInTheDocument();

    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Email"), "ada@example.com");
    await user.type(screen.getByLabelText("Password"), "correct horse battery staple");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByRole("navigation", { name: "Main" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/charts");
  });

  it("does not ask for a refresh in a browser that never signed in", async () => {
    sessionHint.clear();
    const { requests } = mockFetch(() => problemResponse(401, "No refresh cookie was sent."));

    renderApp("/dashboards");

    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeInTheDocument();
    expect(requests).toHaveLength(0);
  });

  it("shows the server's reason when signing in fails", async () => {
    mockFetch((request) =>
      pathOf(request) === "/api/v1/auth/refresh"
        ? problemResponse(401, "No refresh cookie was sent.")
        : problemResponse(401, "The email or password is not right."),
    );

    renderApp("/login");

    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("Email"), "ada@example.com");
    await user.type(screen.getByLabelText("Password"), "wrong password!");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("The email or password is not right.");
  });
});
