import { describe, expect, it } from "vitest";
import { searchWithFacet } from "./facet-search";

const q = (s: string | null) => (s === null ? null : Object.fromEntries([...new URLSearchParams(s)].map(([k, v], i) => [`${i}:${k}`, v])));

describe("searchWithFacet", () => {
  it("adds an attribute value as a condition and keeps the rest of the search, from its first page", () => {
    const ctx = "tenant=acme&range=24h&attr=region+%3D+eu&cursor=abc&q=";
    expect(q(searchWithFacet(ctx, "attribute", "http.route", '"/reports/{id}"'))).toEqual({
      "0:tenant": "acme",
      "1:attr": "region = eu",
      "2:attr": "http.route = /reports/{id}",
      "3:range": "24h",
    });
    expect(searchWithFacet("range=1h", "attribute", "http.response.status_code", "503")).toBe("attr=http.response.status_code+%3D+503&range=1h");
  });

  it("sets the summary's columns as their own filters", () => {
    expect(searchWithFacet("range=1h&tenant=a&tenant=b", "tenant", "tenant", '"b"')).toBe("tenant=b&range=1h");
    expect(searchWithFacet("range=1h", "service", "service", '"billing"')).toBe("service=billing&range=1h");
    expect(searchWithFacet("range=1h", "operation", "operation", '"GET /usage"')).toBe("operation=GET+%2Fusage&range=1h");
    expect(searchWithFacet("range=1h", "status", "status", '"error"')).toBe("status=error&range=1h");
  });

  it("offers no link for a value the search would alter or refuse", () => {
    expect(searchWithFacet("range=1h", "attribute", "note", '" padded "')).toBeNull();
    expect(searchWithFacet("range=1h", "attribute", "bad key!", '"x"')).toBeNull();
    expect(searchWithFacet("range=1h", "attribute", "k", JSON.stringify("x".repeat(129)))).toBeNull();
    expect(searchWithFacet("range=1h", "service", "service", `"O'Brien"`)).toBeNull();
    const full = Array.from({ length: 8 }, (_, i) => `attr=k${i}+%3D+v`).join("&");
    expect(searchWithFacet(full, "attribute", "k9", '"v"')).toBeNull();
    expect(searchWithFacet("range=soon", "attribute", "k", '"v"')).toBeNull();
  });
});
