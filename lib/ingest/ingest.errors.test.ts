import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connect } from "@/db/connect";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { traceIdToUuid } from "@/db/span-codec/ids";
import { defaultIngestConfig } from "./otlp-http/config";
import { createIngestHandler } from "./signals";
import { revokeIngestKey, createIngestKey } from "./otlp-http/keys";
import { serveHandler } from "./otlp-http/node-server";
import { holdAdmission, keyFor, postOtlp, seedTenant, startIngestServer, storedCounts, type IngestServer } from "./testing/fixtures";
import { decodeExportResponse, decodeStatus } from "./testing/responses";
import { encodeRequest, fixed64 } from "./testing/synthetic";

let t: TestDatabase;
let server: IngestServer;
let key: string;

const NOTHING = { spans: 0, traces: 0, resources: 0, scopes: 0, counters: 0, violations: 0, pending: 0, logs: 0 };

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenant(t.sql, "acme");
  key = await keyFor(t, "acme");
  server = await startIngestServer(t, { config: { limits: { ...defaultIngestConfig.limits, maxBodyBytes: 64 * 1024, maxSpansPerRequest: 50 } } });
});
afterAll(async () => {
  await server.close();
  await t.drop();
});
afterEach(async () => {
  // Every refused request in this file must leave the database as it found it.
  expect(await storedCounts(t.sql)).toEqual(NOTHING);
});

const nowNs = () => BigInt(Date.now()) * 1_000_000n;

/** A valid protobuf request with `n` spans of one trace. */
function protobufBody(n = 1, traceId = randomBytes(16)): Uint8Array {
  const start = nowNs();
  return encodeRequest({
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "api" } }] },
        scopeSpans: [
          {
            spans: Array.from({ length: n }, (_, i) => ({
              traceId,
              spanId: randomBytes(8),
              name: `op ${i}`,
              startTimeUnixNano: fixed64(start),
              endTimeUnixNano: fixed64(start + 1000n),
            })),
          },
        ],
      },
    ],
  });
}

function jsonBody(extra: Record<string, unknown> = {}): string {
  const start = nowNs();
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "api" } }] },
        scopeSpans: [{ spans: [{ traceId: randomBytes(16).toString("hex"), spanId: randomBytes(8).toString("hex"), name: "op", kind: 2, startTimeUnixNano: String(start), endTimeUnixNano: String(start + 5n), ...extra }] }],
      },
    ],
  });
}

describe("authentication", () => {
  it("401 without a key, with a malformed header and with an unknown key, answered in the request's encoding", async () => {
    for (const authorization of [undefined, "Basic dXNlcjpwYXNz", "Bearer", `Bearer te_${"x".repeat(43)}`, "Bearer not-a-key"]) {
      const res = await postOtlp(server.endpoint, { body: protobufBody(), headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toBe("application/x-protobuf");
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(decodeStatus(res.body)).toMatchObject({ code: 16, message: expect.stringMatching(/ingest key/i) });
    }
    const json = await postOtlp(server.endpoint, { body: jsonBody(), contentType: "application/json" });
    expect(json.status).toBe(401);
    expect(json.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(json.body.toString())).toEqual({ code: 16, message: expect.stringMatching(/Missing ingest key/) });
  });

  it("403 with a revoked key, at once", async () => {
    const created = await createIngestKey(t.db, { tenantId: "acme", name: "to revoke" });
    await revokeIngestKey(t.db, created.id);
    const res = await postOtlp(server.endpoint, { body: protobufBody(), key: created.key });
    expect(res.status).toBe(403);
    expect(decodeStatus(res.body)).toEqual({ code: 7, message: "This ingest key has been revoked." });
  });
});

describe("media types", () => {
  it("415 for a content type OTLP does not define, answered in JSON", async () => {
    for (const contentType of ["text/plain", "application/grpc", null]) {
      const res = await postOtlp(server.endpoint, { body: protobufBody(), contentType, key });
      expect(res.status).toBe(415);
      expect(JSON.parse(res.body.toString())).toEqual({ code: 3, message: expect.stringContaining("application/x-protobuf or application/json") });
    }
  });

  it("415 for a content encoding other than gzip", async () => {
    const res = await postOtlp(server.endpoint, { body: protobufBody(), key, headers: { "content-encoding": "br" } });
    expect(res.status).toBe(415);
    expect(decodeStatus(res.body).message).toMatch(/Content-Encoding "br"/);
  });
});

describe("malformed bodies", () => {
  it("400 for bytes that are not protobuf, saying so", async () => {
    const res = await postOtlp(server.endpoint, { body: Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), key });
    expect(res.status).toBe(400);
    expect(decodeStatus(res.body)).toEqual({ code: 3, message: expect.stringMatching(/^The body is not a valid protobuf ExportTraceServiceRequest: /) });
  });

  it("400 for broken JSON and for JSON of the wrong shape, naming the field", async () => {
    const broken = await postOtlp(server.endpoint, { body: "{", contentType: "application/json", key });
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.body.toString()).message).toMatch(/^The body is not valid JSON/);

    const wrong = await postOtlp(server.endpoint, { body: JSON.stringify({ resourceSpans: [{ scopeSpans: {} }] }), contentType: "application/json; charset=utf-8", key });
    expect(wrong.status).toBe(400);
    expect(JSON.parse(wrong.body.toString()).message).toContain("resourceSpans.0.scopeSpans");
  });

  it("a span that is not valid OTLP/JSON is refused alone, in partial_success, naming the field", async () => {
    const res = await postOtlp(server.endpoint, { body: jsonBody({ startTimeUnixNano: "soon" }), contentType: "application/json; charset=utf-8", key });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({
      partialSuccess: { rejectedSpans: "1", errorMessage: "Refused 1 of 1 spans: 1 with a field that is not valid OTLP (startTimeUnixNano: expected an unsigned 64-bit integer)." },
    });
    await t.sql`TRUNCATE ingest_counters`;
  });

  it("400 for a body that claims gzip but is not", async () => {
    const res = await postOtlp(server.endpoint, { body: protobufBody(), key, headers: { "content-encoding": "gzip" } });
    expect(res.status).toBe(400);
    expect(decodeStatus(res.body).message).toMatch(/not valid gzip/);
  });
});

describe("limits", () => {
  it("413 when the body is over the limit as sent", async () => {
    const res = await postOtlp(server.endpoint, { body: randomBytes(65 * 1024), key });
    expect(res.status).toBe(413);
    expect(decodeStatus(res.body).message).toMatch(/request body is larger than the limit of 65536 bytes/);
  });

  it("413 when a small gzip body inflates past the limit (a gzip bomb), without inflating it all", async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(65 * 1024);
    const before = process.memoryUsage().rss;
    const res = await postOtlp(server.endpoint, { body: bomb, key, headers: { "content-encoding": "gzip" } });
    expect(res.status).toBe(413);
    expect(decodeStatus(res.body).message).toMatch(/decompressed body is larger than the limit/);
    expect(process.memoryUsage().rss - before).toBeLessThan(32 * 1024 * 1024);
  });

  it("413 for more spans than a request may carry", async () => {
    const res = await postOtlp(server.endpoint, { body: protobufBody(51), key });
    expect(res.status).toBe(413);
    expect(decodeStatus(res.body).message).toBe("The request has 51 spans, over the limit of 50; send smaller batches.");
  });
});

describe("overload and outages", () => {
  it("429 with Retry-After when every admission place is taken", async () => {
    const busy = await startIngestServer(t, { config: { maxConcurrent: 1, maxQueued: 0 } });
    try {
      // A request whose body never finishes holds the only admission place.
      const held = await holdAdmission(busy.endpoint, key);
      const res = await postOtlp(busy.endpoint, { body: protobufBody(), key });
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toBe("1");
      expect(decodeStatus(res.body).code).toBe(8);
      await held.release();
    } finally {
      await busy.close();
    }
  });

  it("503 with Retry-After when the database cannot be reached", async () => {
    const dead = connect("postgres://nobody:nothing@127.0.0.1:1/none", { max: 1 });
    const down = await serveHandler(createIngestHandler({ sql: dead, log: { warn: () => {}, error: () => {} } }));
    try {
      for (const [body, contentType] of [[protobufBody(), "application/x-protobuf"], [jsonBody(), "application/json"]] as const) {
        const res = await postOtlp(`${down.url}/v1/traces`, { body, contentType, key });
        expect(res.status).toBe(503);
        expect(res.headers.get("retry-after")).toBe("5");
        expect(res.headers.get("content-type")).toBe(contentType);
      }
    } finally {
      await down.close();
      await dead.end();
    }
  });

  it("503 when the database cannot finish a write in time, and nothing of the batch is stored", async () => {
    const traceId = randomBytes(16);
    const uuid = traceIdToUuid(traceId.toString("hex"));
    // An existing summary of the same trace, locked by another session: the write stops there,
    // after its spans went into the table, and gives up when its lock timeout passes.
    await t.sql`INSERT INTO traces (tenant_id, trace_id, start_time, end_time, duration_ns, span_count, services) VALUES ('acme', ${uuid}, now(), now(), 0, 0, '{}')`;
    const impatient = await startIngestServer(t, { config: { lockTimeoutMs: 300 } });
    const blocker = connect(t.url, { max: 1 });
    try {
      const res = await blocker.begin(async (tx) => {
        await tx`SELECT 1 FROM traces WHERE trace_id = ${uuid} FOR UPDATE`;
        return postOtlp(impatient.endpoint, { body: protobufBody(40, traceId), key });
      });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect(decodeStatus(res.body)).toEqual({ code: 14, message: "The trace store is unavailable; retry later." });
      expect(impatient.logged).toEqual(['ingest: database unavailable {"error":"PostgresError 55P03"}']);
    } finally {
      await blocker.end();
      await impatient.close();
      await t.sql`DELETE FROM traces`;
    }
  });
});

describe("what succeeds", () => {
  it("an empty request, in either encoding, succeeds with an empty response", async () => {
    const cases = [
      { body: new Uint8Array(0), contentType: "application/x-protobuf" },
      { body: encodeRequest({ resourceSpans: [] }), contentType: "application/x-protobuf" },
      { body: '{"resourceSpans":[]}', contentType: "application/json" },
      { body: gzipSync(Buffer.from('{"resourceSpans":[]}')), contentType: "application/json", headers: { "content-encoding": "gzip" } },
    ];
    for (const c of cases) {
      const res = await postOtlp(server.endpoint, { ...c, key });
      expect(res.status).toBe(200);
      if (c.contentType === "application/json") expect(JSON.parse(res.body.toString())).toEqual({});
      else expect(decodeExportResponse(res.body)).toEqual({});
    }
  });

  it("a request whose every span is refused is a 200 with partial_success, and stores nothing", async () => {
    const res = await postOtlp(server.endpoint, { body: jsonBody({ attributes: [{ key: "tenant.id", value: { stringValue: "globex" } }] }), contentType: "application/json", key });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({
      partialSuccess: { rejectedSpans: "1", errorMessage: "Refused 1 of 1 spans: 1 with a tenant other than the one the key is scoped to (isolation violation)." },
    });
    // The attempt itself is recorded for admins; nothing else is.
    const [violation] = await t.sql`SELECT reason, claimed_tenant, owner_tenant, spans FROM ingest_isolation_violations`;
    expect(violation).toEqual({ reason: "foreign_tenant", claimed_tenant: "globex", owner_tenant: "acme", spans: 1 });
    await t.sql`TRUNCATE ingest_isolation_violations, ingest_counters`;
  });
});
