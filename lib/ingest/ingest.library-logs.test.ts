import { getCorrelation, initTracing, type LogExportProtocol, type TracingHandle } from "@trace-explorer/tracing";
import { withTracing } from "@trace-explorer/tracing/next";
import { captureLogs } from "@trace-explorer/tracing/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bigintToSpanId } from "@/db/span-codec/ids";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { keyFor, seedTenant, startIngestServer, type IngestServer } from "./testing/fixtures";
import { storedLogs } from "./testing/logs";

/**
 * Issue 20 end to end: a service instrumented with the ADR-012 library (packages/tracing) logs
 * inside a request and ships its lines and spans to this ingest, which stores each line as a
 * log record on the span that wrote it, sanitized by the library before it left.
 */
let t: TestDatabase;
let server: IngestServer;
let key: string;
let tracing: TracingHandle | undefined;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenant(t.sql, "acme");
  key = await keyFor(t, "acme");
  server = await startIngestServer(t);
});
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});
afterAll(async () => {
  await server.close();
  await t.drop();
});

describe("the tracing library's logs, stored by ingest", () => {
  for (const protocol of ["http/protobuf", "http/json"] as LogExportProtocol[]) {
    it(`arrive over ${protocol} as log records on the span that wrote them, secrets masked`, async () => {
      await t.sql`DELETE FROM log_records`;
      tracing = await initTracing({
        serviceName: "orders-api",
        exportUrl: server.endpoint,
        exportHeaders: { authorization: `Bearer ${key}` },
        logs: { exportUrl: server.endpoint.replace(/\/v1\/traces$/, "/v1/logs"), protocol },
      });
      const { logger } = captureLogs();
      let ids = getCorrelation();
      const handler = withTracing(
        async () => {
          ids = getCorrelation();
          logger.info({ orderId: 42, password: "hunter2" }, "charged erin@example.com");
          logger.error({ err: new Error("PDF renderer timed out") }, "invoice failed");
          return new Response("ok");
        },
        { route: "/api/orders", tenant: () => "acme" },
      );
      await handler(new Request("http://localhost/api/orders"), {});
      await tracing.forceFlush();

      // Both lines may fall in one millisecond: in the order written, by severity.
      const logs = (await storedLogs(t.sql)).sort((a, b) => a.severity_number - b.severity_number);
      expect(logs.map((l) => [l.severity_text, l.body])).toEqual([
        ["info", "charged [REDACTED:email]"],
        ["error", "invoice failed"],
      ]);
      for (const l of logs) {
        expect(l).toMatchObject({ tenant_id: "acme", trace_id: ids.traceId, span_id: expect.any(String) });
        expect(bigintToSpanId(BigInt(l.span_id!))).toBe(ids.spanId);
        expect(l.resource).toMatchObject({ "service.name": "orders-api" });
      }
      expect(logs[0]!.attributes).toMatchObject({ "tenant.id": "acme", "request.id": ids.requestId, orderId: 42, password: expect.stringMatching(/^\[REDACTED/) });
      expect(logs[1]!.attributes).toMatchObject({ "exception.type": "Error", "exception.message": "PDF renderer timed out" });
      // The span the lines name is stored too, in the same tenant.
      const [span] = await t.sql<{ n: number }[]>`
        SELECT count(*)::int AS n FROM spans WHERE tenant_id = 'acme' AND trace_id = ${ids.traceId}::uuid AND span_id = ${logs[0]!.span_id}::bigint`;
      expect(span!.n).toBe(1);
      expect(JSON.stringify(await t.sql`SELECT body, attributes FROM log_records`)).not.toMatch(/hunter2|erin@example\.com/);
    });
  }
});
