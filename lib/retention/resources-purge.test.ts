import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TenantScope } from "@/db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { keyFor, postOtlp, seedTenant, startIngestServer, type IngestServer } from "@/lib/ingest/testing/fixtures";
import { encodeRequest, requestOf } from "@/lib/ingest/testing/synthetic";
import { suggestIn } from "@/lib/traces/search/autocomplete";
import { autocompleteParamsSchema } from "@/lib/traces/search/autocomplete-params";
import { runRetention } from "./run";

let t: TestDatabase;
let server: IngestServer;

const DAY_MS = 86_400_000;
const ALL: TenantScope = { all: true };
const ns = (date: Date) => BigInt(date.getTime()) * 1_000_000n;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenant(t.sql, "acme", { keptRetentionDays: 20 });
  await seedTenant(t.sql, "held", { keptRetentionDays: 20 });
  await t.sql`UPDATE tenants SET legal_hold = (id = 'held')`;
  server = await startIngestServer(t);
});
afterAll(async () => {
  await server.close();
  await t.drop();
});

/** One span per service, through the real ingest path, started `daysAgo` days before now. */
async function ingest(tenant: string, spans: { service: string; scope?: string; daysAgo: number }[]) {
  const key = await keyFor(t, tenant);
  const now = Date.now();
  const body = encodeRequest(
    requestOf(spans.map((s) => ({ attributes: { "service.name": s.service }, scope: s.scope === undefined ? undefined : { name: s.scope }, spans: [{ traceId: randomBytes(16), spanId: randomBytes(8), startNs: ns(new Date(now - s.daysAgo * DAY_MS)) }] }))),
  );
  const res = await postOtlp(server.endpoint, { body, key });
  expect(res.status).toBe(200);
}

const services = (tenant: string) =>
  t.asReader(ALL, (tx) => suggestIn(tx, ALL, autocompleteParamsSchema.parse({ field: "service", tenant })));

it("purges a resource once every span stored with it has expired, so service suggestions drop it; a resource still in use stays", async () => {
  await ingest("acme", [
    { service: "retired", daysAgo: 19 },
    { service: "mixed", daysAgo: 19 },
    { service: "mixed", daysAgo: 0 },
    { service: "live", daysAgo: 0 },
  ]);
  await ingest("held", [{ service: "on-hold", daysAgo: 19 }]);
  expect(await services("acme")).toEqual(["live", "mixed", "retired"]);

  // Two days on, the kept-trace cutoff (20 days) has passed the 19-day-old spans.
  const later = new Date(Date.now() + 2 * DAY_MS);
  const result = await runRetention(t, { trigger: "test", now: later });
  expect(result).toMatchObject({ status: "completed", error: null });
  if (result.status === "busy") throw new Error("busy");
  expect(result.counts.tenants.acme?.derived.resources).toBe(1);

  expect(await services("acme")).toEqual(["live", "mixed"]);
  // A tenant on legal hold keeps everything.
  expect(await services("held")).toEqual(["on-hold"]);
  // No span is left without its resource.
  const [orphans] = await t.sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM spans s WHERE NOT EXISTS (SELECT 1 FROM resources r WHERE r.tenant_id = s.tenant_id AND r.id = s.resource_id)`;
  expect(orphans!.n).toBe(0);
});

it("never purges a resource an ingest transaction is moving forward: the purge waits and finds the new day", async () => {
  await ingest("acme", [{ service: "revived", daysAgo: 19 }]);
  const later = new Date(Date.now() + 2 * DAY_MS);
  // An ingest of a new span for the resource, caught between its resource update and its commit.
  const writer = await t.sql.reserve();
  await writer`BEGIN`;
  const [moved] = await writer`
    UPDATE resources SET last_span_day = current_date
    WHERE tenant_id = 'acme' AND attributes ->> 'service.name' = 'revived' AND last_span_day < current_date RETURNING id`;
  expect(moved).toBeDefined();
  const run = runRetention(t, { trigger: "test", now: later });
  // The purge reaches the locked row and waits for the writer.
  for (let i = 0; ; i++) {
    const [waiting] = await t.sql`SELECT 1 FROM pg_stat_activity WHERE application_name = 'trace-explorer-retention' AND wait_event_type = 'Lock'`;
    if (waiting) break;
    if (i > 500) throw new Error("the purge never waited for the writer");
    await new Promise((r) => setTimeout(r, 10));
  }
  await writer`COMMIT`;
  writer.release();
  expect(await run).toMatchObject({ status: "completed" });
  expect(await services("acme")).toContain("revived");
});

it("purges a scope once every span stored with it has expired; a scope still in use stays, and no span loses its scope", async () => {
  await ingest("acme", [
    { service: "scoped", scope: "retired-lib", daysAgo: 19 },
    { service: "scoped", scope: "shared-lib", daysAgo: 19 },
    { service: "scoped", scope: "shared-lib", daysAgo: 0 },
  ]);
  const scopeNames = async () => (await t.sql<{ name: string }[]>`SELECT name FROM scopes WHERE tenant_id = 'acme' AND name LIKE '%-lib' ORDER BY name`).map((r) => r.name);
  expect(await scopeNames()).toEqual(["retired-lib", "shared-lib"]);
  const result = await runRetention(t, { trigger: "test", now: new Date(Date.now() + 2 * DAY_MS) });
  if (result.status === "busy") throw new Error("busy");
  expect(result.counts.tenants.acme?.derived.scopes).toBe(1);
  expect(await scopeNames()).toEqual(["shared-lib"]);
  const [orphans] = await t.sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM spans s WHERE NOT EXISTS (SELECT 1 FROM scopes c WHERE c.tenant_id = s.tenant_id AND c.id = s.scope_id)`;
  expect(orphans!.n).toBe(0);
});
