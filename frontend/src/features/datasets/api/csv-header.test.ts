import { describe, expect, it } from "vitest";

import { guessDelimiter, parseCsvHeader } from "./datasets";

describe("reading a CSV header before uploading", () => {
  it("splits the names, honouring quotes", () => {
    expect(parseCsvHeader('city,"zip, code","say ""hi""",amount', ",")).toEqual(["city", "zip, code", 'say "hi"', "amount"]);
  });

  it("guesses the delimiter from the first line", () => {
    expect(guessDelimiter("a;b;c")).toBe(";");
    expect(guessDelimiter("a\tb")).toBe("\t");
    expect(guessDelimiter("single")).toBe(",");
  });
});
