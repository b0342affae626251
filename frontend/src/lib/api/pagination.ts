import type { InfiniteData } from "@tanstack/react-query";

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export const PAGE_SIZE = 50;

/** Every item of the pages loaded so far, in order. */
export function flattenPages<T>(data: InfiniteData<Page<T>> | undefined): T[] {
  return data?.pages.flatMap((page) => page.items) ?? [];
}

export function nextCursor<T>(lastPage: Page<T>): string | undefined {
  return lastPage.next_cursor ?? undefined;
}

export type ListSort = "name" | "-name" | "created_at" | "-created_at" | "updated_at" | "-updated_at";

export const SORT_OPTIONS: { value: ListSort; label: string }[] = [
  { value: "-updated_at", label: "Recently updated" },
  { value: "name", label: "Name (A–Z)" },
  { value: "-name", label: "Name (Z–A)" },
  { value: "-created_at", label: "Newest first" },
  { value: "created_at", label: "Oldest first" },
];
