import { QueryClient } from "@tanstack/react-query";

import { ApiProblem } from "./problem";

const RETRYABLE_STATUSES = new Set([0, 408, 429, 502, 503, 504]);
const MAX_RETRIES = 2;

/**
 * Reads are retried only when trying again can help: the network, a busy server, or read models still
 * catching up with the caller's own write (503 `projection-behind`). A 404 or 403 is final.
 */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (failureCount >= MAX_RETRIES) return false;
  return error instanceof ApiProblem ? RETRYABLE_STATUSES.has(error.status) : false;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: shouldRetry,
        retryDelay: (attempt) => Math.min(500 * 2 ** attempt, 4000),
      },
      mutations: { retry: false },
    },
  });
}
