import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { withTracing } from "@trace-explorer/tracing/next";
import { captureSpans } from "@trace-explorer/tracing/testing";
import { recordAudit } from "./record";
import { requestMetaFrom } from "./request-meta";

let t: TestDatabase;
let capture: Awaited<ReturnType<typeof captureSpans>>;
beforeAll(async () => {
  t = await createTestDatabase();
  // The app's tracing, as instrumentation.ts starts it: the request scope is what gives the id.
  capture = await captureSpans({ serviceName: "request-id-test" });
});
afterAll(async () => {
  await capture?.tracing.shutdown();
  await t.drop();
});

/** A route handler as the app writes them: traced, one audit row per call. */
const route = withTracing(
  async (req: Request) => {
    await recordAudit(t.sql, {
      actor: { id: null, email: req.headers.get("x-user"), role: "investigator" },
      action: "trace.search",
      outcome: "allowed",
      request: requestMetaFrom(req.headers),
    });
    return new Response("ok");
  },
  { route: "/api/traces" },
);

describe("audit request ids", () => {
  it("a client cannot put its rows under another user's request id", async () => {
    const victim = await route(new Request("http://localhost/api/traces", { headers: { "x-user": "victim@demo.test" } }), {});
    const victimId = victim.headers.get("x-request-id")!;
    const attacker = await route(new Request("http://localhost/api/traces", { headers: { "x-user": "mallory@demo.test", "x-request-id": victimId } }), {});

    const rows = await t.sql`SELECT actor_email, request_id, details->>'clientRequestId' AS client FROM audit_log WHERE request_id = ${victimId}`;
    expect(rows).toEqual([{ actor_email: "victim@demo.test", request_id: victimId, client: null }]);
    const [mallory] = await t.sql`SELECT request_id, details->>'clientRequestId' AS client FROM audit_log WHERE actor_email = 'mallory@demo.test'`;
    expect(mallory).toEqual({ request_id: attacker.headers.get("x-request-id"), client: victimId });
    expect(mallory!.request_id).not.toBe(victimId);
  });
});
