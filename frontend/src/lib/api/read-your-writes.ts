/**
 * The newest event position this client has caused. The read side is eventually consistent: a read
 * that names this position (`X-Min-Position`) waits until the read models include it, so the user
 * always sees their own changes.
 *
 * The position is named only for a while after the command. By then every read model has long applied
 * it, and naming it for ever would cost every later read a check of the projections and keep it away
 * from the server's in-memory caches, which a read with a position bypasses.
 */
let highest = 0;
let observedAt = Number.NEGATIVE_INFINITY;

/** How long after a command reads still name its position. */
export const READ_YOUR_WRITES_WINDOW_MS = 30_000;

export const readYourWrites = {
  /** The position reads should wait for, or 0 when no command of this client is recent. */
  highestPosition(now: number = Date.now()): number {
    return now - observedAt <= READ_YOUR_WRITES_WINDOW_MS ? highest : 0;
  },

  /** Records a position a command answered with; returns whether it was a usable position. */
  observe(position: number, now: number = Date.now()): boolean {
    if (!Number.isSafeInteger(position) || position <= 0) return false;
    if (position > highest) highest = position;
    observedAt = now;
    return true;
  },

  /** Forgets the position, when the session ends. */
  reset(): void {
    highest = 0;
    observedAt = Number.NEGATIVE_INFINITY;
  },
};
