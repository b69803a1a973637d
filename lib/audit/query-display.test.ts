import { describe, expect, it } from "vitest";
import { detailLines } from "./query-display";

describe("detailLines", () => {
  it("shows stored escapes as they are and escapes raw control characters", () => {
    expect(detailLines({ note: "line1\\r\\nFAKE ENTRY", raw: "a\r\nb\u001b[31m", n: 3, filters: { tenant: ["acme"] } })).toEqual([
      "note: line1\\r\\nFAKE ENTRY",
      "raw: a\\r\\nb\\u001b[31m",
      "n: 3",
      'filters: {"tenant":["acme"]}',
    ]);
  });

  it("never puts a line break in a line", () => {
    expect(detailLines({ "k\ney": "v\u2028w" }).join("")).not.toMatch(/[\r\n\u2028]/);
  });
});
