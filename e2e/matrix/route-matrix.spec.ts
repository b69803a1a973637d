import { expect, test, type APIRequestContext } from "@playwright/test";
import { e2eDatabase } from "../fixtures/db";
import { demoLogin } from "../fixtures/demo";
import { expected, ROUTES, type Fixture, type Variant } from "./routes";
import { requestAs, WHO, type Who } from "./who";

// Every route × every role × (own tenant, other tenant, no session): the status, and exactly
// the one audit row the call must write, found by the request id the response carries.

const sql = e2eDatabase();
const contexts = new Map<Who, APIRequestContext>();
let fixture: Fixture;

async function sample(tenant: string) {
  const [row] = await sql<{ trace_id: string; span_id: string }[]>`
    SELECT replace(t.trace_id::text, '-', '') AS trace_id, lpad(to_hex(t.root_span_id), 16, '0') AS span_id
    FROM traces t WHERE t.tenant_id = ${tenant} AND t.root_span_id IS NOT NULL ORDER BY t.start_time DESC LIMIT 1`;
  if (!row) throw new Error(`no demo trace of ${tenant}`);
  return { tenant, traceId: row.trace_id, spanId: row.span_id };
}

test.beforeAll(async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const viewer = demoLogin("tenant_viewer");
  const [own] = viewer.tenants;
  const [other] = await sql<{ id: string }[]>`SELECT id FROM tenants WHERE id <> ALL(${viewer.tenants}) ORDER BY id LIMIT 1`;
  fixture = { own: await sample(own!), other: await sample(other!.id) };
  for (const who of WHO) contexts.set(who, await requestAs(browser, who, baseURL!));
});

test.afterAll(async () => {
  for (const context of contexts.values()) await context.dispose();
  await sql.end();
});

for (const route of ROUTES) {
  test(`${route.name}: every role, both tenants, no session`, async () => {
    const variants: Variant[] = route.tenantAware ? ["own", "other"] : ["own"];
    for (const who of WHO) {
      for (const variant of variants) {
        const path = route.path(fixture, variant);
        const want = expected(route, who, variant);
        const response = await contexts.get(who)!.get(path, { maxRedirects: 0 });
        const where = `${who} ${variant} ${path}`;
        expect(response.status(), where).toBe(want.status);
        const requestId = response.headers()["x-request-id"];
        expect(requestId, where).toBeTruthy();
        const rows = await sql<{ action: string; outcome: string; actor_email: string | null }[]>`
          SELECT action, outcome, actor_email FROM audit_log WHERE request_id = ${requestId!} ORDER BY id`;
        if (want.audit === null) expect(rows, where).toEqual([]);
        else {
          const all = [want.audit, ...(want.then ?? [])];
          expect(rows, where).toHaveLength(all.length);
          all.forEach((row, i) => expect(rows[i], where).toMatchObject(row));
          expect(rows[0]!.actor_email === null, where).toBe(who === "anonymous");
        }
      }
    }
  });
}
