import { expect, test } from "@playwright/test";
import { signIn } from "../fixtures/demo";
import { createUser } from "../../lib/auth/testing/users";
import { e2eDatabase } from "../fixtures/db";
import { insertSyntheticTrace } from "../../lib/traces/testing/synthetic-trace";

/**
 * A viewer who re-opens trace downloads in a loop (issue 15): beyond their two open ones every
 * try is refused before the trace is looked up, and the refusals are recorded as a few denied
 * rows a minute, not one "allowed" row each. Own tenant, user and large trace (bigger than the
 * sockets' buffers, so an unread download stays open).
 */
const TENANT = "e2e-downloads";
const TRACE = "d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0";
const viewer = { email: "download-loop@demo.test", password: "download-loop-password-1", role: "tenant_viewer" as const, tenants: [TENANT] };

test.beforeAll(async () => {
  const sql = e2eDatabase();
  await sql`INSERT INTO tenants (id, name, retention_days, kept_retention_days) VALUES (${TENANT}, ${TENANT}, 14, 30) ON CONFLICT DO NOTHING`;
  await sql`DELETE FROM spans WHERE tenant_id = ${TENANT}`;
  await sql`DELETE FROM traces WHERE tenant_id = ${TENANT}`;
  await insertSyntheticTrace(sql, { tenant: TENANT, traceId: TRACE, spans: 40_000 });
  await createUser(sql, viewer);
  await sql.end();
});

test("downloads past the open cap get 429 + Retry-After before any lookup, audited as a few aggregated denials", async ({ page, baseURL }) => {
  test.setTimeout(60_000);
  await signIn(page, viewer);
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const since = new Date();
  const open = (path = "export") =>
    fetch(`${baseURL}/api/traces/${TRACE}/${path}?tenant=${TENANT}`, { headers: { cookie, "accept-encoding": "identity" } });

  // Exports: the span stream of this trace is small enough to end in the buffers at once.
  const held = await Promise.all([open(), open()]);
  expect(held.map((r) => r.status)).toEqual([200, 200]);
  const readers = held.map((r) => r.body!.getReader());
  for (const reader of readers) await reader.read();

  const refused = await Promise.all(Array.from({ length: 30 }, (_, i) => open(i % 2 ? "export" : "spans")));
  expect(refused.map((r) => r.status)).toEqual(Array(30).fill(429));
  expect(refused.every((r) => r.headers.get("retry-after") === "5")).toBe(true);
  expect(await refused[0]!.json()).toEqual({ error: "too many trace downloads open at once; finish one or retry shortly" });
  for (const reader of readers) await reader.cancel();

  const sql = e2eDatabase();
  const rows = await sql<{ action: string; outcome: string; reason: string | null; minute: string }[]>`
    SELECT action, outcome, details->>'reason' AS reason, date_trunc('minute', at)::text AS minute FROM audit_log
    WHERE actor_email = ${viewer.email} AND action IN ('trace.export', 'trace.spans') AND at >= ${since}`;
  await sql.end();
  const allowed = rows.filter((r) => r.outcome === "allowed");
  const denied = rows.filter((r) => r.outcome === "denied");
  expect(allowed).toHaveLength(2);
  // Five rows of their own per action and minute, the rest counted into one row when the minute ends.
  expect(denied.length).toBeGreaterThan(0);
  expect(denied.length).toBeLessThan(30);
  const perMinute = new Map<string, number>();
  for (const r of denied) perMinute.set(`${r.action} ${r.minute}`, (perMinute.get(`${r.action} ${r.minute}`) ?? 0) + 1);
  expect(Math.max(...perMinute.values())).toBeLessThanOrEqual(5);
  expect(denied.every((r) => r.reason === "too many trace downloads open at once; finish one or retry shortly")).toBe(true);
});
