import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantScope } from "@/db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { allowedRow } from "@/lib/audit/data-reach";
import { createIngestHandler } from "@/lib/ingest/signals";
import { keyFor, seedTenant } from "@/lib/ingest/testing/fixtures";
import { findTraceOwners } from "@/lib/traces/trace/trace-owners";
import { insertSyntheticTrace } from "@/lib/traces/testing/synthetic-trace";
import type { LogLine } from "./read";
import { traceLogs, traceLogsParams, type TraceLogsParams } from "./trace-logs";

// The logs of a trace as GET /api/traces/[traceId]/logs reads them: the trace's tenant rules,
// every line exactly once across pages, and the filters applied on every page.

let t: TestDatabase;
const TRACE = "5b8efff798038103d269b633813fc60c";
const SHARED = "6c9f00a8a9149214e37ac744924ad71d";
const EXPIRED = "7da011b9ba25a325f48bd855a35be82e";
const ALL: TenantScope = { all: true };
const ALPHA: TenantScope = { all: false, tenantIds: ["alpha"] };
const BETA: TenantScope = { all: false, tenantIds: ["beta"] };
const LINES = 230;
const start = new Date(Date.now() - 60_000);
const startNs = BigInt(start.getTime()) * 1_000_000n;
let spanIds: string[] = [];

/** Line i of TRACE: severities info, warn, error, debug in turn; every 10th says "deadlock"; lines 2k and 2k+1 share a microsecond. */
function traceLine(i: number) {
  const severityNumber = [9, 13, 17, 5][i % 4]!;
  const body = i % 10 === 0 ? `Deadlock detected, line ${i}` : `line ${i}`;
  return { timeUnixNano: (startNs + BigInt(Math.floor(i / 2)) * 1000n + BigInt(i % 2)).toString(), severityNumber, body, spanId: spanIds[i % spanIds.length]! };
}

async function ingest(tenant: string, traceId: string, lines: { timeUnixNano: string; severityNumber: number; body: string; spanId: string }[]) {
  const logRecords = lines.map((l) => ({
    timeUnixNano: l.timeUnixNano,
    severityNumber: l.severityNumber,
    body: { stringValue: l.body },
    traceId,
    spanId: l.spanId,
    attributes: [{ key: "tenant.id", value: { stringValue: tenant } }],
  }));
  const body = JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: "service.name", value: { stringValue: "web-api" } }] }, scopeLogs: [{ logRecords }] }] });
  const handler = createIngestHandler({ sql: t.sql });
  const key = await keyFor(t, null);
  const res = await handler(new Request("http://ingest/v1/logs", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body }));
  expect(res.status).toBe(200);
}

const params = (raw: Record<string, string>): TraceLogsParams => traceLogsParams.parse(raw);

/** Every line a reader gets, following `next` page by page. */
async function allPages(scope: TenantScope, traceId: string, raw: Record<string, string>): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await traceLogs(scope, traceId, params({ ...raw, ...(after ? { after } : {}) }), t.sql);
    if (!page) throw new Error("trace not found");
    lines.push(...page.lines);
    if (!page.next) return lines;
    after = page.next;
  }
  throw new Error("paging did not end");
}

const bodies = (lines: LogLine[]) => lines.map((l) => String(l.body));
const expectedBodies = (keep: (i: number) => boolean) => Array.from({ length: LINES }, (_, i) => i).filter(keep).map((i) => traceLine(i).body);

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenant(t.sql, "alpha");
  await seedTenant(t.sql, "beta");
  await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: TRACE, spans: 12, start });
  await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: SHARED, spans: 3, start });
  await insertSyntheticTrace(t.sql, { tenant: "beta", traceId: SHARED, spans: 3, start });
  await insertSyntheticTrace(t.sql, { tenant: "beta", traceId: EXPIRED, spans: 3, start: new Date(Date.now() - 40 * 86_400_000) });
  spanIds = (await t.sql<{ id: string }[]>`
    SELECT lpad(to_hex(span_id), 16, '0') AS id FROM spans WHERE trace_id = ${TRACE}::uuid ORDER BY start_time`).map((r) => r.id);
  // Sent out of order, in two batches: the read orders them, not the arrival.
  const lines = Array.from({ length: LINES }, (_, i) => traceLine(i)).reverse();
  await ingest("alpha", TRACE, lines.slice(0, 100));
  await ingest("alpha", TRACE, lines.slice(100));
  await ingest("alpha", SHARED, [{ timeUnixNano: startNs.toString(), severityNumber: 9, body: "alpha's line", spanId: spanIds[0]! }]);
  await ingest("beta", SHARED, [{ timeUnixNano: startNs.toString(), severityNumber: 17, body: "beta's line", spanId: spanIds[0]! }]);
});

afterAll(async () => {
  await t.drop();
});

describe("the logs of a trace", () => {
  it("returns every line exactly once across pages, oldest first, including lines in one microsecond", async () => {
    for (const limit of ["7", "2", "500"]) {
      const lines = await allPages(ALPHA, TRACE, { limit });
      expect(bodies(lines)).toEqual(expectedBodies(() => true));
      expect(lines.map((l) => BigInt(l.timeNs))).toEqual(lines.map((l) => BigInt(l.timeNs)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
  });

  it("applies the severity floor and the text on every page", async () => {
    expect(bodies(await allPages(ALPHA, TRACE, { limit: "5", severity: "warn" }))).toEqual(expectedBodies((i) => i % 4 === 1 || i % 4 === 2));
    expect(bodies(await allPages(ALPHA, TRACE, { limit: "3", severity: "error", q: "DEADLOCK" }))).toEqual(expectedBodies((i) => i % 4 === 2 && i % 10 === 0));
    // The text is literal: LIKE's wildcards match only themselves.
    expect(await allPages(ALPHA, TRACE, { q: "line_1%" })).toEqual([]);
    expect(bodies(await allPages(ALPHA, TRACE, { q: "line 22" }))).toEqual(expectedBodies((i) => String(i).startsWith("22")));
  });

  it("lists one span's lines", async () => {
    const span = spanIds[3]!;
    const lines = await allPages(ALPHA, TRACE, { span, limit: "4" });
    expect(lines.length).toBeGreaterThan(0);
    expect(bodies(lines)).toEqual(expectedBodies((i) => i % spanIds.length === 3));
    expect(new Set(lines.map((l) => l.spanId))).toEqual(new Set([span]));
  });

  it("answers a viewer of another tenant as if the trace did not exist, and the gate records the probe as denied", async () => {
    expect(await traceLogs(BETA, TRACE, params({}), t.sql)).toBeNull();
    // Naming the trace's tenant does not help (the gate refuses it first; the read refuses it too).
    expect(await traceLogs(BETA, TRACE, params({ tenant: "alpha" }), t.sql)).toBeNull();
    // What the gate writes for that call (traceAccess: the trace's holders, split by the caller's scope).
    const holders = await t.asReader(ALL, (tx) => findTraceOwners(tx, TRACE));
    expect(allowedRow(holders, (tenant) => tenant === "beta", { tenants: ["beta"] })).toEqual({
      tenants: ["alpha"],
      outcome: "denied",
      details: { reason: "outside-scope", found: false },
    });
  });

  it("never mixes two tenants' traces of one id, and hides an expired trace", async () => {
    expect(bodies((await traceLogs(ALPHA, SHARED, params({}), t.sql))!.lines)).toEqual(["alpha's line"]);
    expect(bodies((await traceLogs(BETA, SHARED, params({}), t.sql))!.lines)).toEqual(["beta's line"]);
    expect(bodies((await traceLogs(ALL, SHARED, params({ tenant: "beta" }), t.sql))!.lines)).toEqual(["beta's line"]);
    expect(bodies((await traceLogs(ALL, SHARED, params({}), t.sql))!.lines)).toEqual(["alpha's line"]);
    expect(await traceLogs(ALL, EXPIRED, params({}), t.sql)).toBeNull();
  });

  it("refuses bad input at the boundary", () => {
    for (const bad of [{ severity: "loud" }, { span: "xyz" }, { span: "0000000000000000" }, { after: "bm90IGEgY3Vyc29y" }, { limit: "501" }, { limit: "0" }, { q: "x".repeat(201) }]) {
      expect(traceLogsParams.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
