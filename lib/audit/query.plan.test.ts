import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import type { Sql } from "@/db/connect";
import { privilegedAccessSummary } from "./summary";
import { auditFilterParams } from "./audit-params";
import { queryAuditLog } from "./query";
import { recordAudit } from "./record";

const ROWS = 200_000;

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  // A big log without the chain: the plan, not the hashes, is under test here.
  await t.sql.begin(async (tx) => {
    await tx`ALTER TABLE audit_log DISABLE TRIGGER audit_log_chain`;
    await tx`
      INSERT INTO audit_log (seq, at, actor_id, actor_email, role, action, tenants, outcome)
      SELECT g, now() - (${ROWS} - g + 1) * interval '2 seconds', ('00000000-0000-4000-8000-' || lpad((g % 50)::text, 12, '0'))::uuid,
             'user' || (g % 50) || '@demo.test', 'investigator',
             (ARRAY['trace.search', 'trace.view', 'latency.view', 'admin.view'])[1 + g % 4],
             CASE WHEN g % 1000 = 0 THEN ARRAY['rare'] ELSE ARRAY['t' || (g % 8)] END, 'allowed'
      FROM generate_series(1, ${ROWS}) g`;
    await tx`ALTER TABLE audit_log ENABLE TRIGGER audit_log_chain`;
  });
  await t.sql`ANALYZE audit_log`;
}, 120_000);
afterAll(async () => {
  await t.drop();
});

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

/** Every node of a plan as "type relation index", to assert on what touches audit_log. */
function nodes(node: PlanNode): string[] {
  return [[node["Node Type"], node["Relation Name"] ?? "", node["Index Name"] ?? ""].join(" "), ...(node.Plans ?? []).flatMap(nodes)];
}

/** Runs `fn` on a client that records its statements, then EXPLAINs the last one as it ran. */
async function planOf(fn: (sql: Sql) => Promise<unknown>): Promise<string[]> {
  let last: { query: string; params: unknown[] } | undefined;
  const spy = postgres(t.url, { max: 1, onnotice: () => {}, debug: (_c, query, params) => (last = { query, params }) });
  try {
    await fn(spy);
    const rows = await spy.unsafe(`EXPLAIN (FORMAT JSON) ${last!.query}`, last!.params as never[]);
    return nodes((rows[0]!["QUERY PLAN"] as { Plan: PlanNode }[])[0]!.Plan);
  } finally {
    await spy.end();
  }
}

describe("the tenant filter on a big audit log", () => {
  // Parsed per test: a relative window ends when it is parsed.
  const rare = () => auditFilterParams.parse({ range: "7d", tenant: "rare", data: "trace" });

  it("reads the page through the GIN index on tenants, not a sequential scan", async () => {
    const plan = await planOf((sql) => queryAuditLog(sql, rare()));
    expect(plan).toContainEqual(expect.stringMatching(/^Bitmap Index Scan .*audit_log_tenants_idx$/));
    expect(plan).not.toContainEqual(expect.stringMatching(/^Seq Scan audit_log/));
  });

  it("builds the per-user summary through the same index", async () => {
    const plan = await planOf((sql) => privilegedAccessSummary(sql, rare()));
    expect(plan).toContainEqual(expect.stringMatching(/^Bitmap Index Scan .*audit_log_tenants_idx$/));
    expect(plan).not.toContainEqual(expect.stringMatching(/^Seq Scan audit_log/));
  });

  it("finds the same rows as the plain count", async () => {
    const page = await queryAuditLog(t.sql, rare(), undefined, 1000);
    const [{ n }] = (await t.sql`SELECT count(*)::int AS n FROM audit_log WHERE 'rare' = ANY(tenants) AND action <> 'admin.view'`) as unknown as [{ n: number }];
    expect(page.rows).toHaveLength(n);
  });
});

describe("the chain trigger on a big audit log", () => {
  /** audit_log's scan counters, flushed from this session first. */
  async function scans(sql: Sql) {
    await sql`SELECT pg_stat_force_next_flush()`;
    const [row] = await sql<{ seq: number; idx: number }[]>`
      SELECT seq_scan::int AS seq, idx_scan::int AS idx FROM pg_stat_user_tables WHERE relname = 'audit_log'`;
    return row!;
  }

  it("finds the previous row through the seq index instead of scanning the log", async () => {
    const one = postgres(t.url, { max: 1, onnotice: () => {} });
    try {
      const before = await scans(one);
      await recordAudit(one, { actor: { id: null, email: "a@demo.test", role: "auditor" }, action: "audit.view", outcome: "allowed", request: { ip: null, userAgent: null, requestId: null, traceId: null } });
      const after = await scans(one);
      expect(after.seq - before.seq).toBe(0);
      expect(after.idx).toBeGreaterThan(before.idx);
    } finally {
      await one.end();
    }
  });
});
