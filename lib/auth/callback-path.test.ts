import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "./callback-path";

describe("safeCallbackPath", () => {
  it("keeps a path and query on this site", () => {
    expect(safeCallbackPath("/traces?service=api")).toBe("/traces?service=api");
    expect(safeCallbackPath("http://localhost:3000/admin")).toBe("/admin");
  });

  it("never sends the user to another site", () => {
    for (const evil of ["https://evil.example/steal", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]) {
      const path = safeCallbackPath(evil);
      expect(path.startsWith("/")).toBe(true);
      expect(path.startsWith("//")).toBe(false);
      expect(path).not.toContain("evil.example");
    }
  });

  it("falls back to the home page for junk", () => {
    expect(safeCallbackPath(undefined)).toBe("/");
    expect(safeCallbackPath("")).toBe("/");
    expect(safeCallbackPath("x".repeat(5000))).toBe("/");
    expect(safeCallbackPath("/login?callbackUrl=/login")).toBe("/");
  });
});
