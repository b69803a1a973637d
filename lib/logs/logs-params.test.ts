import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "@/db/testing/test-db";
import { rawSearchParams } from "@/lib/traces/search/search-params";
import { describeIssues } from "@/lib/validation/issues";
import { ALL, ALPHA, BETA, twoTenantDatabase } from "@/lib/traces/testing/two-tenants";
import { logsParams, logsQuery, serializeLogs, type LogsFilters } from "./logs-params";
import { logsInWindow, type LogLine } from "./read";

/**
 * What GET /api/logs and the /logs page read (issue 20 item 5): the parameters at the boundary,
 * then the tenant's lines of the window, a page at a time.
 */
let t: TestDatabase;
// 130 lines of alpha and 70 of beta, several sharing a microsecond, so pages split ties.
const ALPHA_LINES = 130, BETA_LINES = 70;

beforeAll(async () => {
  t = await twoTenantDatabase();
  await t.sql`SELECT ensure_log_partitions(current_date - 1, current_date + 1)`;
  await t.sql`
    INSERT INTO log_records (tenant_id, time, record_id, severity_number, body_type, body, resource_id, scope_id, trace_id, span_id)
    SELECT CASE WHEN i <= ${ALPHA_LINES} THEN 'alpha' ELSE 'beta' END,
           date_trunc('second', now()) - (i / 4) * interval '1 second', i,
           CASE WHEN i % 10 = 0 THEN 17 ELSE 9 END, 'string',
           to_jsonb(CASE WHEN i % 25 = 0 THEN 'deadlock on row ' || i ELSE 'request ' || i || ' served' END),
           1, 1, CASE WHEN i % 2 = 0 THEN md5(i::text)::uuid END, CASE WHEN i % 2 = 0 THEN i END
    FROM generate_series(1, ${ALPHA_LINES + BETA_LINES}) AS i`;
});

afterAll(async () => {
  await t.drop();
});

function params(raw: Record<string, string | string[]>): LogsFilters {
  const parsed = logsParams.safeParse(raw);
  if (!parsed.success) throw new Error(describeIssues(parsed.error));
  return parsed.data;
}

async function everyPage(scope: typeof ALL, raw: Record<string, string | string[]>): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 50; pages++) {
    // Each next page as the client asks for it: through the URL.
    const f = params(rawSearchParams(serializeLogs({ ...params(raw), cursor })) as Record<string, string | string[]>);
    const page = await logsInWindow(scope, logsQuery(scope, f), t.sql);
    lines.push(...page.lines);
    if (!page.next) return lines;
    cursor = page.next;
  }
  throw new Error("paging did not end");
}

const key = (l: LogLine) => `${l.tenantId}/${l.body}`;

describe("the logs of a window", () => {
  it("pages through every line exactly once, newest first, ties split across pages", async () => {
    const lines = await everyPage(ALL, { limit: "17" });
    expect(lines).toHaveLength(ALPHA_LINES + BETA_LINES);
    expect(new Set(lines.map(key)).size).toBe(ALPHA_LINES + BETA_LINES);
    const times = lines.map((l) => BigInt(l.timeNs));
    expect(times.every((ns, i) => i === 0 || ns <= times[i - 1]!)).toBe(true);
  });

  it("keeps a tenant viewer to its tenants, whatever it asks for", async () => {
    const own = await everyPage(ALPHA, { limit: "50" });
    expect(own).toHaveLength(ALPHA_LINES);
    expect(new Set(own.map((l) => l.tenantId))).toEqual(new Set(["alpha"]));
    // The gate refuses beta to an alpha viewer; were it asked anyway, the query keeps to the scope.
    expect(await everyPage(ALPHA, { tenant: "beta" })).toEqual([]);
    expect((await everyPage(ALPHA, { tenant: ["alpha", "beta"], text: "deadlock" })).map((l) => l.tenantId)).toEqual(["alpha", "alpha", "alpha", "alpha", "alpha"]);
    expect(await everyPage(BETA, { tenant: "beta" })).toHaveLength(BETA_LINES);
    // An all-tenant role picks tenants with the tenant picker.
    expect(new Set((await everyPage(ALL, { tenant: "beta" })).map((l) => l.tenantId))).toEqual(new Set(["beta"]));
  });

  it("filters by level and words, and each line names its trace and span when it has them", async () => {
    const errors = await everyPage(ALL, { level: "error" });
    expect(errors).toHaveLength((ALPHA_LINES + BETA_LINES) / 10);
    expect(errors.every((l) => l.severityNumber >= 17)).toBe(true);
    const deadlocks = await everyPage(ALL, { text: "deadlock", level: "error" });
    expect(deadlocks.map((l) => l.body)).toEqual(["deadlock on row 50", "deadlock on row 100", "deadlock on row 150", "deadlock on row 200"]);
    expect(deadlocks[0]).toMatchObject({ traceId: expect.stringMatching(/^[0-9a-f]{32}$/), spanId: "0000000000000032" });
    const untraced = await everyPage(ALL, { text: "request 1 served" });
    expect(untraced).toMatchObject([{ body: "request 1 served", traceId: null, spanId: null }]);
    expect(await everyPage(ALL, { range: "15m", from: new Date(Date.now() - 86_400_000 * 2).toISOString(), to: new Date(Date.now() - 86_400_000).toISOString() })).toEqual([]);
  });

  it("refuses bad input at the boundary with a message naming the parameter", () => {
    const problem = (raw: Record<string, string | string[]>) => {
      const parsed = logsParams.safeParse(raw);
      return parsed.success ? null : describeIssues(parsed.error);
    };
    expect(problem({ level: "loud" })).toMatch(/level: must be one of debug, info, warn, error, fatal/);
    expect(problem({ cursor: "bm90IGEgY3Vyc29y" })).toMatch(/cursor: is not a cursor from a previous page/);
    expect(problem({ cursor: "x".repeat(500) })).toMatch(/cursor/);
    expect(problem({ limit: "0" })).toMatch(/limit: must be at least 1/);
    expect(problem({ limit: "501" })).toMatch(/limit: must be at most 500/);
    expect(problem({ text: "x".repeat(201) })).toMatch(/text: must be at most 200/);
    expect(problem({ from: "2026-01-01T00:00:00Z" })).toMatch(/from and to must be given together/);
    expect(problem({ tenant: "no such tenant!" })).toMatch(/tenant/);
    expect(problem({ text: "'; DELETE FROM log_records; --" })).toBeNull();
  });

  it("takes words as data", async () => {
    expect(await everyPage(ALL, { text: "'; DELETE FROM log_records; --" })).toEqual([]);
    const [n] = await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM log_records`;
    expect(n!.n).toBe(ALPHA_LINES + BETA_LINES);
  });
});
