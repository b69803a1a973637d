import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantScope } from "@/db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { findInTrace } from "./trace-find";
import { insertSyntheticTrace } from "@/lib/traces/testing/synthetic-trace";

let t: TestDatabase;
const TRACE = "1af7651916cd43dd8448eb211c80319d";
const UUID = "1af76519-16cd-43dd-8448-eb211c80319d";
const SPANS = 600;
const ALPHA: TenantScope = { all: false, tenantIds: ["alpha"] };

/** The hex id of synthetic span `i` (as the find route answers it). */
async function idOf(i: number): Promise<string> {
  const [row] = await t.sql<{ id: string }[]>`
    SELECT lpad(to_hex(span_id), 16, '0') AS id FROM spans WHERE trace_id = ${UUID}::uuid AND (attributes->>'synthetic.index')::int = ${i}`;
  return row!.id;
}

const find = (text: string) => t.asReader(ALPHA, (tx) => findInTrace(tx, ALPHA, { traceId: TRACE, text }));

beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`INSERT INTO tenants (id, name, retention_days, kept_retention_days) VALUES ('alpha', 'Alpha', 14, 30)`;
  await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: TRACE, spans: SPANS });
  // Deep in the tree: an exception recorded as OTel SDKs do, on a span with error status.
  await t.sql`
    UPDATE spans SET status_code = 2, events = jsonb_build_array(jsonb_build_object('name', 'exception', 'timeUnixNano', '1',
      'attributes', jsonb_build_object('exception.type', 'DeadlockDetected', 'exception.message', 'deadlock detected on relation tasks')))
    WHERE trace_id = ${UUID}::uuid AND (attributes->>'synthetic.index')::int = 577`;
  // An event whose attributes are not an object (a malformed export) must not break the search.
  await t.sql`
    UPDATE spans SET events = '[{"name": "odd", "timeUnixNano": "1", "attributes": [1, 2]}]'::jsonb
    WHERE trace_id = ${UUID}::uuid AND (attributes->>'synthetic.index')::int = 578`;
});

afterAll(async () => {
  await t.drop();
});

describe("find in trace on the server", () => {
  it("matches event names", async () => {
    expect(await find("EXCEPTION")).toEqual([await idOf(577)]);
    // Synthetic spans 1, 51, 101, … carry a "checkpoint" event.
    expect(await find("checkpoint")).toHaveLength(Math.ceil((SPANS - 1) / 50));
  });

  it("matches event attribute keys and values", async () => {
    expect(await find("exception.message")).toEqual([await idOf(577)]);
    expect(await find("deadlockdetected")).toEqual([await idOf(577)]);
    expect(await find("on relation tasks")).toEqual([await idOf(577)]);
  });

  it("matches span attribute keys as well as values", async () => {
    expect(await find("synthetic.index")).toHaveLength(SPANS);
    expect((await find("where id = 999")) ?? []).toHaveLength(0);
    expect(await find("where id = 99")).toHaveLength(1);
  });

  it("keeps LIKE wildcards literal in keys, values and events", async () => {
    expect(await find("%")).toEqual([]);
  });

  it("finds the odd event by name and ignores its attributes", async () => {
    expect(await find("odd")).toEqual([await idOf(578)]);
  });
});
