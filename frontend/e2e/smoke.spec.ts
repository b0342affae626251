import { expect, test, type Page } from "@playwright/test";

/** Console errors and failed requests the page reported; a healthy run has none. */
function watchForErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
}

test("a new user registers, signs in and creates a dashboard", async ({ page }) => {
  const errors = watchForErrors(page);
  const stamp = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const email = `smoke-${stamp}@example.com`;
  const password = "a long enough smoke password";
  const dashboardName = `Smoke dashboard ${stamp}`;

  await page.goto("/register");
  await page.getByLabel("Your name").fill("Smoke Tester");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Dashboards", level: 1 })).toBeVisible();

  await page.getByRole("button", { name: /Smoke Tester/ }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

  await signIn(page, email, password);
  await page.getByRole("button", { name: "New dashboard" }).first().click();
  const dialog = page.getByRole("dialog", { name: "New dashboard" });
  await dialog.getByLabel("Name").fill(dashboardName);
  await dialog.getByRole("button", { name: "Create dashboard" }).click();
  await expect(page.getByRole("heading", { name: dashboardName, level: 1 })).toBeVisible();
  await expect(page.getByText("This dashboard has no charts yet")).toBeVisible();

  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Dashboards" }).click();
  await expect(page.getByRole("link", { name: dashboardName })).toBeVisible();

  expect(errors).toEqual([]);
});

test("the demo dashboard draws its charts for the admin", async ({ page }) => {
  const errors = watchForErrors(page);
  await signIn(page, "admin@vizpro.local", "vizpro-demo-password");

  await page.goto("/d/sales-overview");
  await expect(page.getByRole("heading", { name: "Sales overview", level: 1 })).toBeVisible();
  const tiles = page.getByTestId("dashboard-tile");
  await expect(tiles).toHaveCount(4);

  const canvases = page.locator('[data-testid="dashboard-tile"] canvas');
  await expect(canvases.first()).toBeVisible();
  await expect.poll(() => canvases.count()).toBeGreaterThanOrEqual(3);
  for (const canvas of await canvases.all()) {
    const box = await canvas.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(50);
    expect(box?.height ?? 0).toBeGreaterThan(50);
  }
  await expect(tiles.filter({ hasText: "Total revenue" }).getByText("Sum of amount")).toBeVisible();
  await expect(page.getByRole("alert")).toHaveCount(0);

  expect(errors).toEqual([]);
});
