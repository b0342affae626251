/**
 * The dashboard grid: 12 columns. A change of layout is saved as one PUT naming every tile exactly
 * once, as the API requires; quick successive changes (a drag, then a resize) are folded into one save.
 */
import type { Accepted, Placement, TileView } from "../../../lib/api/types";

export const GRID_COLUMNS = 12;

export interface GridItem {
  i: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(Math.round(value), low), high);
}

/**
 * The placements for a layout the grid reported: one per tile of the dashboard, in the dashboard's
 * order. A tile the grid did not report keeps where it was; positions are kept inside the grid.
 */
export function placementsFor(tiles: readonly TileView[], layout: readonly GridItem[]): Placement[] {
  const byId = new Map(layout.map((item) => [item.i, item]));
  return tiles.map((tile) => {
    const item = byId.get(tile.tile_id) ?? { x: tile.x, y: tile.y, w: tile.w, h: tile.h };
    const w = clamp(item.w, 1, GRID_COLUMNS);
    return {
      tile_id: tile.tile_id,
      x: clamp(item.x, 0, GRID_COLUMNS - w),
      y: clamp(item.y, 0, Number.MAX_SAFE_INTEGER),
      w,
      h: clamp(item.h, 1, Number.MAX_SAFE_INTEGER),
    };
  });
}

/** Whether the placements move or resize any tile. */
export function layoutChanged(tiles: readonly TileView[], placements: readonly Placement[]): boolean {
  const byId = new Map(tiles.map((tile) => [tile.tile_id, tile]));
  return placements.some((placement) => {
    const tile = byId.get(placement.tile_id);
    return (
      !tile || tile.x !== placement.x || tile.y !== placement.y || tile.w !== placement.w || tile.h !== placement.h
    );
  });
}

/** Where a new tile goes: below every other tile, full width for wide charts, half width otherwise. */
export function nextFreeCell(tiles: readonly TileView[], width = 6, height = 4): { x: number; y: number; w: number; h: number } {
  const bottom = tiles.reduce((lowest, tile) => Math.max(lowest, tile.y + tile.h), 0);
  return { x: 0, y: bottom, w: width, h: height };
}

export interface LayoutSaverOptions {
  delayMs: number;
  version: number;
  save: (placements: Placement[], version: number) => Promise<Accepted>;
  onSaved: (accepted: Accepted) => void;
  onError: (error: unknown) => void;
}

/**
 * Saves layouts one after another with the newest known version as If-Match. A layout scheduled while
 * another waits replaces it; one scheduled while a save runs waits for that save and then uses the
 * version it answered with.
 */
export class LayoutSaver {
  private version: number;
  private pending: Placement[] | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly options: LayoutSaverOptions) {
    this.version = options.version;
  }

  /** Takes a newer version read from the server, such as after another change to the dashboard. */
  observeVersion(version: number): void {
    if (version > this.version) this.version = version;
  }

  get hasPendingChanges(): boolean {
    return this.pending !== null || this.running !== null;
  }

  schedule(placements: Placement[]): void {
    this.pending = placements;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.options.delayMs);
  }

  /** Saves a waiting layout now, for instance when the person leaves the page. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.running) await this.running;
    const placements = this.pending;
    if (!placements) return;
    this.pending = null;
    this.running = this.options
      .save(placements, this.version)
      .then(
        (accepted) => {
          this.observeVersion(accepted.version);
          this.options.onSaved(accepted);
        },
        (error: unknown) => {
          this.options.onError(error);
        },
      )
      .finally(() => {
        this.running = null;
      });
    await this.running;
  }
}
