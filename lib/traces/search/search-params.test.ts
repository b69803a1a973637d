import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hrefWithout } from "@/lib/http/lenient-params";
import { formatDurationParam, parseCondition, parseDuration, parseSearch, parseSearchLeniently, serializeSearch, type SearchFilters } from "./search-params";

function roundTrip(f: SearchFilters): SearchFilters {
  const raw: Record<string, string | string[]> = {};
  for (const [k, v] of serializeSearch(f)) {
    const prev = raw[k];
    raw[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const parsed = parseSearch(raw);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.filters;
}

function parsed(raw: Record<string, string | string[]>): SearchFilters {
  const p = parseSearch(raw);
  if (!p.ok) throw new Error(p.message);
  return p.filters;
}

describe("search URL parameters", () => {
  it("round-trips every filter through the query string", () => {
    const f = parsed({
      tenant: ["acme", "globex"],
      service: "billing-api",
      operation: "POST /api/invoices/:id",
      attr: ["job.id = job_1", "http.response.status_code > 499", "http.route != /health", "feature_flag.key exists", "x.ratio < 0.5"],
      minDuration: "250ms",
      maxDuration: "1.5s",
      status: "error",
      q: "req-123",
      from: "2026-01-01T00:00:00.000Z",
      to: "2026-01-02T12:30:00.000Z",
      sort: "duration",
      dir: "asc",
      limit: "20",
      cursor: "abc_-1",
    });
    expect(roundTrip(f)).toEqual(f);
    expect(f.minDuration).toBe(250_000_000n);
    expect(f.maxDuration).toBe(1_500_000_000n);
    expect(f.attr).toEqual([
      { key: "job.id", op: "=", value: "job_1" },
      { key: "http.response.status_code", op: ">", value: 499 },
      { key: "http.route", op: "!=", value: "/health" },
      { key: "feature_flag.key", op: "exists" },
      { key: "x.ratio", op: "<", value: 0.5 },
    ]);
  });

  it("reads inclusive numeric bounds as numbers, not as a comparison with text", () => {
    expect(parseCondition("http.response.status_code >= 500")).toEqual({ ok: true, condition: { key: "http.response.status_code", op: ">=", value: 500 } });
    expect(parseCondition("latency<=0.5")).toEqual({ ok: true, condition: { key: "latency", op: "<=", value: 0.5 } });
    expect(parseCondition("code > 499")).toEqual({ ok: true, condition: { key: "code", op: ">", value: 499 } });
  });

  it("leaves defaults out of the URL", () => {
    expect(serializeSearch(parsed({})).toString()).toBe("");
    expect(serializeSearch(parsed({ range: "1h", sort: "start", dir: "desc" })).toString()).toBe("range=1h");
  });

  it("round-trips any duration in its shortest exact form", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 86_400_000_000_000n }), (ns) => {
        expect(parseDuration(formatDurationParam(ns))).toBe(ns);
      }),
    );
    expect(formatDurationParam(1_500_000_000n)).toBe("1.5s");
    expect(formatDurationParam(250_000_000n)).toBe("250ms");
    expect(parseDuration("2m")).toBe(120_000_000_000n);
    expect(parseDuration("800us")).toBe(800_000n);
  });

  it("round-trips generated filter sets", () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/);
    fc.assert(
      fc.property(
        fc.record({
          tenant: fc.uniqueArray(word, { maxLength: 3 }),
          service: fc.option(word, { nil: undefined }),
          status: fc.option(fc.constantFrom("error" as const, "ok" as const), { nil: undefined }),
          minMs: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
          key: word,
          value: word,
          sort: fc.constantFrom("start" as const, "duration" as const, "spans" as const, "errors" as const),
        }),
        (r) => {
          const f = parsed({
            ...(r.tenant.length ? { tenant: r.tenant } : {}),
            ...(r.service ? { service: r.service } : {}),
            ...(r.status ? { status: r.status } : {}),
            ...(r.minMs ? { minDuration: `${r.minMs}ms` } : {}),
            attr: `${r.key} = ${r.value}`,
            sort: r.sort,
          });
          expect(roundTrip(f)).toEqual(f);
        },
      ),
    );
  });

  it.each([
    [{ service: "x' OR 1=1 --" }, "service: must not contain quotes"],
    [{ operation: "a; DROP TABLE traces" }, "operation: must not contain quotes"],
    [{ q: "1' UNION SELECT" }, "q: must be a trace id"],
    [{ attr: "'; DROP TABLE x; --" }, 'attr.0: "'],
    [{ tenant: "acme'--" }, "tenant.0: A tenant id"],
    [{ service: "a".repeat(10_000) }, "service: must be at most 200 characters"],
    [{ operation: "a".repeat(10_000) }, "operation: must be at most 300 characters"],
    [{ q: "a".repeat(10_000) }, "q: must be at most 128 characters"],
    [{ attr: "k = " + "a".repeat(10_000) }, "attr.0: is too long"],
    [{ minDuration: "a".repeat(10_000) }, "minDuration: must be at most 32 characters"],
    [{ minDuration: "fast" }, "minDuration: is not a duration"],
    [{ minDuration: "2s", maxDuration: "1s" }, "maxDuration: must not be below minDuration"],
    [{ status: "broken" }, 'status: must be "error" or "ok"'],
    [{ sort: "name" }, "sort: must be one of"],
    [{ cursor: "not a cursor!" }, "cursor: is not a valid page cursor"],
    [{ limit: "1000" }, "limit: must be at most 200"],
    [{ from: "2026-01-01T00:00:00Z" }, "from: from and to must be given together"],
    [{ service: ["a", "b"] }, "service: must be given once"],
    [{ attr: "code > many" }, "attr.0: code > needs a number"],
    [{ attr: "code >= many" }, "attr.0: code >= needs a number"],
  ] as [Record<string, string | string[]>, string][])("refuses bad input %# with a precise message", (raw, message) => {
    const p = parseSearch(raw);
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.message).toContain(message);
  });
});

describe("parseSearchLeniently (the search page)", () => {
  it("lists every bad parameter, drops only those, and searches with the valid rest", () => {
    const raw = { service: "web-api", status: "broken", sort: "name", minDuration: "250ms", range: "7d" };
    const r = parseSearchLeniently(raw);
    expect(r.problems).toEqual(['status: must be "error" or "ok"', "sort: must be one of start, duration, spans, errors"]);
    expect(r.dropped).toEqual(["status", "sort"]);
    expect(r.data).toMatchObject({ service: "web-api", minDuration: 250_000_000n, range: "7d", sort: "start" });
    expect(r.data).not.toHaveProperty("status");
    expect(hrefWithout("/traces", raw, r.dropped)).toBe("/traces?service=web-api&minDuration=250ms&range=7d");
  });

  it("lists a parameter given twice beside the schema's problems", () => {
    const r = parseSearchLeniently({ service: ["a", "b"], limit: "1000", operation: "GET /" });
    expect(r.problems).toEqual(["service: must be given once", "limit: must be at most 200"]);
    expect(r.data).toMatchObject({ operation: "GET /", limit: 50 });
    expect(r.data).not.toHaveProperty("service");
  });

  it("sets aside a lone `to` (the window's problem is that parameter's) and keeps the default window", () => {
    const r = parseSearchLeniently({ to: "2026-01-01T00:00:00Z", q: "req_1" });
    expect(r.problems).toEqual(["to: from and to must be given together"]);
    expect(r.data).toMatchObject({ q: "req_1" });
    expect(r.data).not.toHaveProperty("to");
  });

  it("leaves valid parameters and empty fields alone", () => {
    expect(parseSearchLeniently({ service: "web-api", operation: "" })).toMatchObject({ problems: [], dropped: [], data: { service: "web-api" } });
  });
});
