import { describe, expect, it } from "vitest";
import { decodePathSegment, isWellFormedPath } from "./path-segment";

describe("decodePathSegment", () => {
  it("decodes well-formed segments", () => {
    expect(decodePathSegment("4bf92f3577b34da6a3ce929d0e0e4736")).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(decodePathSegment("a%20b%E2%80%AE")).toBe("a b\u202E");
  });

  it("answers null, never throws, for malformed percent-encoding", () => {
    for (const raw of ["%E0%A4%A", "%zz", "%", "abc%2", "%C0%AF", "%FF"]) expect(decodePathSegment(raw)).toBeNull();
  });
});

describe("isWellFormedPath", () => {
  it("accepts encoded and plain paths, refuses any malformed segment", () => {
    expect(isWellFormedPath("/traces/4bf92f3577b34da6a3ce929d0e0e4736")).toBe(true);
    expect(isWellFormedPath("/api/traces/a%20b/spans")).toBe(true);
    expect(isWellFormedPath("/traces/%E0%A4%A")).toBe(false);
    expect(isWellFormedPath("/api/traces/%zz/export")).toBe(false);
  });
});
