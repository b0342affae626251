import { Button } from "./Button";

export interface LoadMoreProps {
  hasMore: boolean;
  loading: boolean;
  onLoadMore: () => void;
  shown: number;
}

/** The foot of a cursor-paginated list: how many are shown, and a button for the next page. */
export function LoadMore({ hasMore, loading, onLoadMore, shown }: LoadMoreProps) {
  return (
    <div className="load-more">
      {hasMore ? (
        <Button onClick={onLoadMore} busy={loading}>
          Load more
        </Button>
      ) : (
        <span className="muted small">
          {shown === 1 ? "1 item" : `${shown} items`} · end of list
        </span>
      )}
    </div>
  );
}
