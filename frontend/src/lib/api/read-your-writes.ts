/**
 * The newest event position this client has caused. The read side is eventually consistent: a read
 * that names this position (`X-Min-Position`) waits until the read models include it, so the user
 * always sees their own changes.
 */
let highest = 0;

export const readYourWrites = {
  highestPosition(): number {
    return highest;
  },

  /** Records a position a command answered with; returns whether it was a usable position. */
  observe(position: number): boolean {
    if (!Number.isSafeInteger(position) || position <= 0) return false;
    if (position > highest) highest = position;
    return true;
  },

  /** Forgets the position, when the session ends. */
  reset(): void {
    highest = 0;
  },
};
