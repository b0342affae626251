import { describe, expect, it } from "vitest";

import { ApiProblem, errorMessage, fieldErrorsOf, problemFromBody } from "./problem";

describe("problem documents", () => {
  it("become errors whose message is the detail", () => {
    const problem = problemFromBody(
      {
        type: "urn:vizpro:problem:conflict",
        title: "Slug taken",
        status: 409,
        detail: "Another dashboard already uses the slug sales-overview.",
      },
      409,
    );

    expect(problem).toBeInstanceOf(ApiProblem);
    expect(problem.status).toBe(409);
    expect(errorMessage(problem)).toBe("Another dashboard already uses the slug sales-overview.");
  });

  it("keep field errors so forms can show them next to the fields", () => {
    const problem = problemFromBody(
      {
        type: "urn:vizpro:problem:validation-failed",
        title: "The request is not valid",
        status: 422,
        detail: "name: is required",
        errors: [
          { field: "name", message: "is required" },
          { field: "connection.port", message: "must be between 1 and 65535" },
        ],
      },
      422,
    );

    expect(fieldErrorsOf(problem)).toEqual({
      name: "is required",
      "connection.port": "must be between 1 and 65535",
    });
    expect(problem.fieldError("connection")).toBe("must be between 1 and 65535");
    expect(problem.fieldError("description")).toBeUndefined();
  });

  it("never show a raw body that is not a problem document", () => {
    const problem = problemFromBody("<html><body>502 Bad Gateway</body></html>", 502);

    expect(problem.detail).toBe("The server could not reach a service it needs. Please try again.");
    expect(problem.detail).not.toContain("<html>");
  });

  it("fall back to the title when there is no detail", () => {
    const problem = problemFromBody({ type: "about:blank", title: "Too many requests", status: 429 }, 429);

    expect(problem.detail).toBe("Too many requests.");
  });

  it("give a generic sentence for errors that are not problems", () => {
    expect(errorMessage(new Error("Broken"))).toBe("Broken");
    expect(errorMessage(42)).toBe("Something went wrong. Please try again.");
    expect(fieldErrorsOf(new Error("Broken"))).toEqual({});
  });
});
