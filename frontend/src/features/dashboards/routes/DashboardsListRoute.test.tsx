import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { AppProviders } from "../../../app/providers";
import { routes } from "../../../app/router";
import { createQueryClient } from "../../../lib/api/query-client";
import { readYourWrites } from "../../../lib/api/read-your-writes";
import { tokenStore } from "../../../lib/auth/token-store";
import { jsonResponse, mockFetch, pathOf, problemResponse, tokens } from "../../../test/http";

const DASHBOARD = {
  id: "0190a1b2-0000-7000-8000-0000000000d1",
  owner_id: "0190a1b2-0000-7000-8000-000000000001",
  name: "Sales overview",
  description: "Revenue at a glance",
  slug: "sales-overview",
  filters: [],
  version: 3,
  created_at: "2026-12-01T10:00:00Z",
  updated_at: "2026-12-02T10:00:00Z",
  access: "edit",
};

function renderDashboards() {
  const router = createMemoryRouter(routes, { initialEntries: ["/dashboards"] });
  render(
    <AppProviders queryClient={createQueryClient()}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return router;
}

beforeEach(() => {
  readYourWrites.reset();
  tokenStore.setTokens(tokens("token"));
});

afterEach(() => {
  tokenStore.clear("signed-out");
  vi.unstubAllGlobals();
});

describe("the dashboards list", () => {
  it("loads more dashboards with the cursor of the previous page", async () => {
    const { requests } = mockFetch((request) => {
      const cursor = new URL(request.url).searchParams.get("cursor");
      return cursor === "page-2"
        ? jsonResponse({ items: [{ ...DASHBOARD, id: "second", name: "Marketing" }], next_cursor: null })
        : jsonResponse({ items: [DASHBOARD], next_cursor: "page-2" });
    });

    renderDashboards();
    expect(await screen.findByRole("link", { name: "Sales overview" })).toBeInTheDocument();

    await userEvent.setup().click(screen.getByRole("button", { name: "Load more" }));

    expect(await screen.findByRole("link", { name: "Marketing" })).toBeInTheDocument();
    expect(screen.getByText(/2 items · end of list/)).toBeInTheDocument();
    expect(new URL(requests.at(-1)?.url ?? "").searchParams.get("cursor")).toBe("page-2");
  });

  it("shows a field error from the server next to the field it is about", async () => {
    mockFetch((request) =>
      request.method === "POST"
        ? problemResponse(422, "slug: is already used by another dashboard", {
            errors: [{ field: "slug", message: "is already used by another dashboard" }],
          })
        : jsonResponse({ items: [DASHBOARD], next_cursor: null }),
    );

    renderDashboards();
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "New dashboard" }));
    const dialog = screen.getByRole("dialog", { name: "New dashboard" });
    await user.type(within(dialog).getByLabelText("Name"), "Sales");
    await user.type(within(dialog).getByLabelText("Address"), "sales-overview");
    await user.click(within(dialog).getByRole("button", { name: "Create dashboard" }));

    const address = await within(dialog).findByLabelText("Address");
    expect(address).toHaveAttribute("aria-invalid", "true");
    expect(address).toHaveAccessibleDescription("is already used by another dashboard");
  });

  it("reads the new list at the position of the creation, then opens the new dashboard", async () => {
    const { requests } = mockFetch((request) => {
      if (request.method === "POST") {
        return jsonResponse({ id: "new-dashboard", version: 1, position: 77 }, { status: 201, headers: { "X-Position": "77" } });
      }
      if (pathOf(request) === "/api/v1/dashboards") return jsonResponse({ items: [DASHBOARD], next_cursor: null });
      return problemResponse(404, "No such dashboard.");
    });

    const router = renderDashboards();
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "New dashboard" }));
    const dialog = screen.getByRole("dialog", { name: "New dashboard" });
    await user.type(within(dialog).getByLabelText("Name"), "Quarterly review");
    await user.click(within(dialog).getByRole("button", { name: "Create dashboard" }));

    await vi.waitFor(() => expect(router.state.location.pathname).toBe("/dashboards/new-dashboard"), { timeout: 4000 });
    const readsAfterCreation = requests.slice(requests.findIndex((request) => request.method === "POST") + 1);
    expect(readsAfterCreation.length).toBeGreaterThan(0);
    for (const read of readsAfterCreation) expect(read.headers.get("X-Min-Position")).toBe("77");
  });
});
