import { defineConfig } from "@playwright/test";

/*
 * The end-to-end smoke test drives Debian's Chromium (/usr/bin/chromium); no browser is downloaded.
 *
 * VIZPRO_E2E_BASE_URL names the running platform (its API, health and readiness endpoints). The
 * application is built and served by `vite preview`, which proxies those endpoints to it, so the
 * browser sees one origin as it would in production. When the application is already served
 * somewhere (for example by the platform itself), VIZPRO_E2E_APP_URL points the test there instead.
 */
const platformUrl = process.env.VIZPRO_E2E_BASE_URL ?? "http://127.0.0.1:8090";
const appUrl = process.env.VIZPRO_E2E_APP_URL;
const previewPort = Number(process.env.VIZPRO_E2E_PREVIEW_PORT ?? 4173);

export default defineConfig({
  testDir: "e2e",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: appUrl ?? `http://127.0.0.1:${previewPort}`,
    browserName: "chromium",
    viewport: { width: 1400, height: 900 },
    launchOptions: {
      executablePath: process.env.VIZPRO_E2E_CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
    trace: "off",
    screenshot: "only-on-failure",
  },
  webServer: appUrl
    ? undefined
    : {
        command: `npx vite build --logLevel warn && npx vite preview --port ${previewPort} --strictPort`,
        url: `http://127.0.0.1:${previewPort}/`,
        env: { VIZPRO_API_TARGET: platformUrl },
        reuseExistingServer: false,
        timeout: 120_000,
        stdout: "ignore",
        stderr: "pipe",
      },
});
