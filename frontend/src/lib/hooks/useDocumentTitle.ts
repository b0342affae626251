import { useEffect } from "react";

/** Names the browser tab after the page, so that tabs and history entries are told apart. */
export function useDocumentTitle(title: string | null | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · vizpro` : "vizpro";
  }, [title]);
}
