import { afterEach, describe, expect, it } from "vitest";

import { READ_YOUR_WRITES_WINDOW_MS, readYourWrites } from "./read-your-writes";

afterEach(() => readYourWrites.reset());

describe("read your writes", () => {
  it("names the newest position a command answered until the window after the last command closes", () => {
    const start = 1_000_000;
    expect(readYourWrites.highestPosition(start)).toBe(0);
    readYourWrites.observe(40, start);
    readYourWrites.observe(12, start + 1_000);
    expect(readYourWrites.highestPosition(start + 2_000)).toBe(40);
    // A later command keeps the window open from its own time.
    expect(readYourWrites.highestPosition(start + 1_000 + READ_YOUR_WRITES_WINDOW_MS)).toBe(40);
    expect(readYourWrites.highestPosition(start + 1_001 + READ_YOUR_WRITES_WINDOW_MS)).toBe(0);
  });

  it("ignores answers that carry no usable position", () => {
    for (const position of [0, -3, Number.NaN, 1.5]) {
      expect(readYourWrites.observe(position, 5)).toBe(false);
    }
    expect(readYourWrites.highestPosition(5)).toBe(0);
  });
});
