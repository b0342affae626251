import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The API, health and readiness endpoints live on one origin. The dev server and the preview server
// proxy them so that the browser talks to a single origin, which the refresh cookie
// (SameSite=Strict, Path=/api/v1/auth) requires.
const apiTarget = process.env.VIZPRO_API_TARGET ?? "http://127.0.0.1:8090";
const proxy = {
  "/api": { target: apiTarget },
  "/healthz": { target: apiTarget },
  "/readyz": { target: apiTarget },
};

export default defineConfig({
  plugins: [react()],
  server: { host: "127.0.0.1", port: 5173, proxy },
  preview: { host: "127.0.0.1", port: 4173, proxy },
  build: {
    outDir: "dist",
    sourcemap: true,
    chunkSizeWarningLimit: 900,
  },
  test: {
    environment: "jsdom",
    setupFiles: ["src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
    restoreMocks: true,
  },
});
