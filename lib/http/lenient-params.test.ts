import { describe, expect, it } from "vitest";
import { auditFilterParams } from "@/lib/audit/audit-params";
import { latencyRequest } from "@/lib/latency/latency-params";
import { hrefWithout, parseLeniently } from "./lenient-params";

describe("lenient page parameters", () => {
  it("lists every bad parameter with its valid choices and keeps the valid rest", () => {
    const raw = { step: "7s", sort: "name", service: "web-api", range: "7d" };
    const r = parseLeniently(latencyRequest, raw);
    expect(r.problems).toEqual(["step: one of 1m, 5m, 15m, 30m, 1h, 3h, 6h, 1d", "sort: one of p95, errors, time"]);
    expect(r.dropped).toEqual(["step", "sort"]);
    expect(r.data).toMatchObject({ service: "web-api", autoStep: true, sort: "p95" });
    expect(r.data!.range.preset).toBe("7d");
    expect(hrefWithout("/latency", raw, r.dropped)).toBe("/latency?service=web-api&range=7d");
  });

  it("sets aside an impossible window and then its lone partner, never reading part of it", () => {
    const r = parseLeniently(latencyRequest, { from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z" });
    expect(r.problems).toEqual(["from: from must be before to", "to: from and to must be given together"]);
    expect(r.data!.range.preset).toBe("24h");
  });

  it("reports both bad audit filters, not only the first", () => {
    const r = parseLeniently(auditFilterParams, { role: "root", user: "x".repeat(300), outcome: "denied" });
    expect(r.problems).toEqual(["user: at most 254 characters", "role: one of admin, investigator, tenant_viewer, auditor"]);
    expect(r.data).toMatchObject({ user: null, role: null, outcome: "denied" });
  });

  it("parses valid parameters untouched", () => {
    const r = parseLeniently(latencyRequest, { step: "1h" });
    expect(r).toMatchObject({ problems: [], dropped: [] });
    expect(r.data!.step).toBe("1h");
  });
});
