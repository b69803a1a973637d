import { describe, expect, it } from "vitest";
import { parseInvestigateLeniently, parseInvestigateParams } from "./investigate-params";

const now = new Date("2026-03-01T12:00:00Z");

describe("parseInvestigateParams", () => {
  it("defaults to errors over the last 24 hours, retries with n = 3, lineage over 7 days", () => {
    const errors = parseInvestigateParams({}, now);
    expect(errors).toMatchObject({ ok: true, filters: { view: "errors", n: 3, tenants: [], q: "", id: "" } });
    if (errors.ok) expect(errors.filters.window.from.toISOString()).toBe("2026-02-28T12:00:00.000Z");
    const lineage = parseInvestigateParams({ view: "lineage", id: "job_0123abcd" }, now);
    if (!lineage.ok) throw new Error(lineage.problem);
    expect(lineage.filters.window.preset).toBe("7d");
    expect(lineage.filters.id).toBe("job_0123abcd");
  });

  it("ranks slow requests by request latency unless end-to-end is asked for", () => {
    expect(parseInvestigateParams({ view: "slow" }, now)).toMatchObject({ ok: true, filters: { rank: "request" } });
    expect(parseInvestigateParams({ view: "slow", rank: "end-to-end" }, now)).toMatchObject({ ok: true, filters: { rank: "end-to-end" } });
    expect(parseInvestigateParams({ view: "slow", rank: ["end-to-end", "request"] }, now)).toMatchObject({ ok: true, filters: { rank: "request" } });
  });

  it("reads repeated tenants, sorted and without duplicates", () => {
    const r = parseInvestigateParams({ tenant: ["globex", "acme", "globex"], view: "retries", n: "5" }, now);
    expect(r).toMatchObject({ ok: true, filters: { tenants: ["acme", "globex"], n: 5 } });
  });

  it.each([
    [{ view: "everything" }, /^view: view must be one of/],
    [{ view: "retries", n: "0" }, /^n: n must be a whole number from 1 to 100/],
    [{ view: "retries", n: "101" }, /^n: /],
    [{ view: "retries", n: "3; DROP TABLE spans" }, /^n: /],
    [{ view: "lineage", id: "' OR 1=1 --" }, /^id: an id is letters/],
    [{ view: "lineage", id: "x".repeat(10_000) }, /^id: an id is at most 128 characters/],
    [{ q: "y".repeat(10_000) }, /^q: the error text filter may be at most 200 characters/],
    [{ tenant: "acme/../globex" }, /^tenant: A tenant id/],
    [{ from: "2026-01-01T00:00:00Z" }, /from and to must be given together/],
    [{ range: "1y" }, /^range: /],
    [{ view: "slow", rank: "duration_ns DESC; --" }, /^rank: rank must be one of request, end-to-end/],
    [{ view: "slow", rank: "" }, /^rank: /],
  ])("refuses %j with a clear message", (raw, message) => {
    const r = parseInvestigateParams(raw as Record<string, string>, now);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(message);
  });
});

describe("parseInvestigateLeniently (the page)", () => {
  it("lists both bad parameters and answers what the valid rest asks", () => {
    const r = parseInvestigateLeniently({ view: "retries", n: "0", range: "1y", tenant: "acme" }, now);
    expect(r.problems).toHaveLength(2);
    expect(r.problems[0]).toMatch(/^range: /);
    expect(r.problems[1]).toBe("n: n must be a whole number from 1 to 100");
    expect(r.dropped).toEqual(["range", "n"]);
    expect(r.parsed).toMatchObject({ ok: true, filters: { view: "retries", n: 3, tenants: ["acme"], window: { preset: "24h" } } });
  });

  it("sets aside an impossible window, from and then its lone partner", () => {
    const r = parseInvestigateLeniently({ view: "slow", rank: "end-to-end", from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z" }, now);
    expect(r.problems).toEqual(["from: from must be before to", "to: from and to must be given together"]);
    expect(r.parsed).toMatchObject({ ok: true, filters: { view: "slow", rank: "end-to-end", window: { preset: "24h" } } });
  });

  it("drops a bad view to the default one, and changes nothing valid", () => {
    expect(parseInvestigateLeniently({ view: "everything", q: "timeout" }, now)).toMatchObject({ dropped: ["view"], parsed: { ok: true, filters: { view: "errors", q: "timeout" } } });
    expect(parseInvestigateLeniently({ view: "lineage", id: "job_1" }, now)).toMatchObject({ problems: [], dropped: [], parsed: { ok: true, filters: { id: "job_1" } } });
  });
});
