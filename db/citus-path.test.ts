import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./testing/test-db";

/**
 * The schema keeps the Citus path of docs/scaling.md open: tenant data distributed by
 * tenant_id and co-located, every unique key and every join of those tables on tenant_id,
 * the small shared tables replicated as reference tables, the append-only governance
 * tables on the coordinator. A new table must be placed in one of the three lists.
 */
const DISTRIBUTED = ["spans", "span_segments", "sealed_span_refs", "log_records", "traces", "resources", "scopes", "span_rollup", "span_rollup_delta", "service_map_rollup", "service_map_delta", "ingest_counters", "trace_sampling_pending", "trace_seal_pending"];
/** Insert-only distributed tables, with no unique key at all. */
const KEYLESS = ["span_rollup_delta", "service_map_delta"];
const REFERENCE = ["tenants", "users", "user_tenant_scopes", "ingest_keys"];
const COORDINATOR = ["audit_log", "access_reviews", "retention_runs", "outbox_events", "ingest_isolation_violations", "sign_in_throttle", "auth_sessions", "pending_revocations", "saved_queries"];

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

const root = path.resolve(import.meta.dirname, "..");

/** Source and SQL files under `dir` (tests excluded), recursively. */
function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "proto" ? [] : sources(rel);
    return /\.(ts|tsx|sql)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

describe("the Citus path (docs/scaling.md)", () => {
  it("places every table in exactly one of distributed, reference or coordinator", async () => {
    const tables = await t.sql<{ name: string }[]>`
      SELECT c.relname AS name FROM pg_class c
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND c.relname NOT LIKE '\\_\\_drizzle%'`;
    expect(tables.map((r) => r.name).sort()).toEqual([...DISTRIBUTED, ...REFERENCE, ...COORDINATOR].sort());
  });

  it("gives every distributed table a NOT NULL tenant_id, the distribution column", async () => {
    const rows = await t.sql<{ table: string; notnull: boolean | null }[]>`
      SELECT c.relname AS table, a.attnotnull AS notnull FROM pg_class c
      LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
      WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY(${DISTRIBUTED})`;
    expect(rows.filter((r) => r.notnull !== true).map((r) => r.table)).toEqual([]);
    expect(rows).toHaveLength(DISTRIBUTED.length);
  });

  it("includes tenant_id in every primary key and unique index of a distributed table", async () => {
    const rows = await t.sql<{ table: string; index: string; columns: string[] }[]>`
      SELECT c.relname AS table, i.relname AS index, array(
               SELECT a.attname::text FROM unnest(x.indkey) k JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k
             ) AS columns
      FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
      WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY(${DISTRIBUTED}) AND x.indisunique`;
    expect([...new Set(rows.map((r) => r.table))].sort()).toEqual(DISTRIBUTED.filter((d) => !KEYLESS.includes(d)).sort());
    expect(rows.filter((r) => !r.columns.includes("tenant_id")).map((r) => r.index)).toEqual([]);
  });

  it("has no foreign key into a distributed table except from a co-located one on tenant_id", async () => {
    const rows = await t.sql<{ name: string; source: string; target: string; columns: string[]; targetColumns: string[] }[]>`
      SELECT con.conname AS name, src.relname AS source, dst.relname AS target,
             array(SELECT a.attname::text FROM unnest(con.conkey) k JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k) AS columns,
             array(SELECT a.attname::text FROM unnest(con.confkey) k JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k) AS "targetColumns"
      FROM pg_constraint con JOIN pg_class src ON src.oid = con.conrelid JOIN pg_class dst ON dst.oid = con.confrelid
      WHERE con.contype = 'f' AND con.connamespace = 'public'::regnamespace`;
    const bad = rows.filter((fk) => {
      if (!DISTRIBUTED.includes(fk.target)) {
        // Into a reference table: allowed from any table; a reference table may point only at reference tables.
        return REFERENCE.includes(fk.source) && !REFERENCE.includes(fk.target);
      }
      const i = fk.columns.indexOf("tenant_id");
      return !DISTRIBUTED.includes(fk.source) || i < 0 || fk.targetColumns[i] !== "tenant_id";
    });
    expect(bad.map((fk) => `${fk.name}: ${fk.source}(${fk.columns}) -> ${fk.target}(${fk.targetColumns})`)).toEqual([]);
  });

  it("joins distributed tables in the app's SQL on tenant_id", () => {
    const join = new RegExp(String.raw`\bJOIN\s+(${DISTRIBUTED.join("|")})\s+(?:AS\s+)?(\w+)\s+(ON|USING)\s+([\s\S]*?)(?=\b(?:LEFT|RIGHT|INNER|CROSS|FULL|JOIN|WHERE|GROUP|ORDER|LIMIT|UNION|RETURNING)\b|\)\s*(?:,|$)|;|\x60)`, "g");
    const found: string[] = [];
    const missing: string[] = [];
    for (const file of [...sources("lib"), ...sources("app"), ...sources("db")]) {
      const text = fs.readFileSync(path.join(root, file), "utf8");
      for (const m of text.matchAll(join)) {
        const [, table, alias, kind, condition] = m;
        const where = `${file}: JOIN ${table} ${alias} ${kind} ${condition!.replace(/\s+/g, " ").trim()}`;
        found.push(where);
        const onTenant = kind === "USING" ? /\btenant_id\b/.test(condition!) : new RegExp(String.raw`\b${alias}\.tenant_id\s*=|=\s*${alias}\.tenant_id\b`).test(condition!);
        if (!onTenant) missing.push(where);
      }
    }
    expect(found.length).toBeGreaterThan(5);
    expect(missing).toEqual([]);
  });
});
