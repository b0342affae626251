import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { jsonResponse, mockFetch, pathOf, tokens } from "../../../test/http";
import { tokenStore } from "../../../lib/auth/token-store";
import type { TileView } from "../../../lib/api/types";
import { saveLayout } from "./dashboards";
import { LayoutSaver, layoutChanged, nextFreeCell, placementsFor } from "./layout";

const DASHBOARD_ID = "0190a1b2-0000-7000-8000-0000000000d1";

function tile(id: string, x: number, y: number, w: number, h: number): TileView {
  return { tile_id: id, chart_id: `chart-${id}`, x, y, w, h, chart: null };
}

const TILES = [tile("a", 0, 0, 8, 4), tile("b", 8, 0, 4, 4), tile("c", 0, 4, 6, 4)];

describe("placements", () => {
  it("name every tile exactly once, in the dashboard's order, keeping unreported tiles in place", () => {
    const placements = placementsFor(TILES, [
      { i: "b", x: 0, y: 0, w: 4, h: 4 },
      { i: "a", x: 4, y: 0, w: 8, h: 4 },
    ]);

    expect(placements).toEqual([
      { tile_id: "a", x: 4, y: 0, w: 8, h: 4 },
      { tile_id: "b", x: 0, y: 0, w: 4, h: 4 },
      { tile_id: "c", x: 0, y: 4, w: 6, h: 4 },
    ]);
  });

  it("stay inside the 12-column grid", () => {
    const [placement] = placementsFor([tile("a", 0, 0, 4, 4)], [{ i: "a", x: 10, y: -2, w: 20, h: 0 }]);

    expect(placement).toEqual({ tile_id: "a", x: 0, y: 0, w: 12, h: 1 });
  });

  it("tell a real change from the layout the grid reports on its own", () => {
    const unchanged = placementsFor(TILES, TILES.map((item) => ({ i: item.tile_id, x: item.x, y: item.y, w: item.w, h: item.h })));
    expect(layoutChanged(TILES, unchanged)).toBe(false);
    expect(layoutChanged(TILES, placementsFor(TILES, [{ i: "c", x: 6, y: 4, w: 6, h: 4 }]))).toBe(true);
  });

  it("put a new tile below all the others", () => {
    expect(nextFreeCell(TILES, 12)).toEqual({ x: 0, y: 8, w: 12, h: 4 });
    expect(nextFreeCell([])).toEqual({ x: 0, y: 0, w: 6, h: 4 });
  });
});

describe("saving a layout", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    tokenStore.setTokens(tokens("token"));
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    tokenStore.clear("signed-out");
  });

  it("turns several quick changes into one PUT with every tile and the known version", async () => {
    let version = 5;
    const { requests } = mockFetch(() => {
      version += 1;
      return jsonResponse({ id: DASHBOARD_ID, version, position: 90 }, { headers: { "X-Position": "90" } });
    });
    const onSaved = vi.fn();
    const saver = new LayoutSaver({
      delayMs: 600,
      version: 5,
      save: (placements, knownVersion) => saveLayout(DASHBOARD_ID, placements, knownVersion),
      onSaved,
      onError: vi.fn(),
    });

    saver.schedule(placementsFor(TILES, [{ i: "a", x: 4, y: 0, w: 8, h: 4 }]));
    await vi.advanceTimersByTimeAsync(200);
    saver.schedule(placementsFor(TILES, [{ i: "b", x: 0, y: 0, w: 4, h: 4 }]));
    await vi.advanceTimersByTimeAsync(200);
    saver.schedule(placementsFor(TILES, [{ i: "c", x: 0, y: 4, w: 12, h: 5 }]));
    await vi.advanceTimersByTimeAsync(600);

    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.method).toBe("PUT");
    expect(pathOf(request as Request)).toBe(`/api/v1/dashboards/${DASHBOARD_ID}/layout`);
    expect(request?.headers.get("If-Match")).toBe('"5"');
    const body = (await request?.json()) as { placements: { tile_id: string }[] };
    expect(body.placements).toEqual([
      { tile_id: "a", x: 0, y: 0, w: 8, h: 4 },
      { tile_id: "b", x: 8, y: 0, w: 4, h: 4 },
      { tile_id: "c", x: 0, y: 4, w: 12, h: 5 },
    ]);
    expect(onSaved).toHaveBeenCalledWith({ id: DASHBOARD_ID, version: 6, position: 90 });
  });

  it("guards the next save with the version the previous save answered", async () => {
    let version = 5;
    const { requests } = mockFetch(() => {
      version += 1;
      return jsonResponse({ id: DASHBOARD_ID, version, position: version * 10 });
    });
    const saver = new LayoutSaver({
      delayMs: 100,
      version: 5,
      save: (placements, knownVersion) => saveLayout(DASHBOARD_ID, placements, knownVersion),
      onSaved: vi.fn(),
      onError: vi.fn(),
    });

    saver.schedule(placementsFor(TILES, []));
    await vi.advanceTimersByTimeAsync(150);
    saver.schedule(placementsFor(TILES, [{ i: "a", x: 2, y: 0, w: 6, h: 4 }]));
    await saver.flush();

    expect(requests.map((request) => request.headers.get("If-Match"))).toEqual(['"5"', '"6"']);
  });

  it("reports a conflict with someone else's change", async () => {
    mockFetch(() =>
      jsonResponse(
        { type: "urn:vizpro:problem:precondition-failed", title: "The resource has changed", status: 412, detail: "If-Match named version 5 but the resource is at version 7." },
        { status: 412 },
      ),
    );
    const onError = vi.fn();
    const saver = new LayoutSaver({
      delayMs: 100,
      version: 5,
      save: (placements, knownVersion) => saveLayout(DASHBOARD_ID, placements, knownVersion),
      onSaved: vi.fn(),
      onError,
    });

    saver.schedule(placementsFor(TILES, []));
    await saver.flush();

    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ status: 412 }));
  });
});
