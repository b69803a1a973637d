import fc from "fast-check";
import type { LogAttributes, LogBody } from "@opentelemetry/api-logs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { benignCorpus, leakCorpus, leakNeedles, resourceOf, type LeakCase } from "@trace-explorer/tracing/redaction/corpus";
import type { IngestHandler } from "./otlp-http/handler";
import { opentelemetry } from "./proto/otlp.js";
import { createIngestHandler } from "./signals";
import { keyFor, seedTenant, startIngestServer, type ExporterKind, type IngestServer } from "./testing/fixtures";
import { storedLeaks } from "./testing/leaks";
import { testLogging } from "./testing/logs";
import { mutate, mutation } from "./testing/mutate";
import { decodeExportResponse } from "./testing/responses";
import { fixed64 } from "./testing/synthetic";

// Log records under attack: the leak corpus sent as bodies and attributes through the real
// OpenTelemetry logs exporters leaves nothing in the database; malformed bodies of every kind are
// answered 200 or 400, never crash the handler, and never leave part of a request stored.

let t: TestDatabase;
let server: IngestServer;
let logsUrl: string;
let handler: IngestHandler;
let key: string;
const logged: string[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenant(t.sql, "acme");
  await seedTenant(t.sql, "globex");
  key = await keyFor(t, "acme");
  server = await startIngestServer(t);
  logsUrl = server.endpoint.replace(/\/v1\/traces$/, "/v1/logs");
  handler = createIngestHandler({ sql: t.sql, log: { warn: (_f, m) => logged.push(m), error: (_f, m) => logged.push(m) } });
});
afterAll(async () => {
  await server.close();
  await t.drop();
});

/**
 * A leak as a log record: a value that leaks under its key goes as a structured body
 * ({key: value}, as a JSON logger's fields arrive) and as an attribute; a secret key as an
 * attribute key; a secret name or message as the body text.
 */
function leakRecord(leak: LeakCase): { body: LogBody; attributes: LogAttributes } {
  switch (leak.in) {
    case "key":
      return { body: `key ${leak.name}`, attributes: { [leak.value]: "x" } };
    case "event_name":
    case "status":
    case "span_name":
      return { body: leak.value, attributes: { "log.message": leak.value } };
    case "bytes": {
      const bytes = new Uint8Array(Buffer.from(leak.value));
      return { body: { [leak.key]: bytes }, attributes: { [leak.key]: bytes as never } };
    }
    default:
      return { body: { [leak.key]: leak.value } as LogBody, attributes: { [leak.key]: leak.value as never } };
  }
}

async function sendCorpus(kind: ExporterKind): Promise<void> {
  const logging = testLogging({ endpoint: logsUrl, key, kind, resource: resourceOf(leakCorpus) });
  for (const leak of leakCorpus) logging.logger.emit({ ...leakRecord(leak), eventName: leak.in === "event_name" ? leak.value : undefined, severityText: leak.in === "status" ? leak.value : undefined });
  for (const benign of benignCorpus) logging.logger.emit({ body: `benign ${benign.name}`, attributes: { [benign.key]: benign.value } });
  await logging.flush();
  await logging.shutdown();
}

describe("the leak corpus as log records", () => {
  it.each<ExporterKind>(["proto", "json"])("sent by the %s logs exporter, cannot be found anywhere in the database or the logs", async (kind) => {
    await sendCorpus(kind);
    const [{ n }] = (await t.sql`SELECT count(*)::int AS n FROM log_records`) as unknown as [{ n: number }];
    expect(n).toBeGreaterThanOrEqual(leakCorpus.length);
    expect(await storedLeaks(t.sql)).toEqual([]);
    const serverLog = server.logged.join("\n");
    for (const leak of leakCorpus) for (const needle of leakNeedles(leak)) expect(serverLog).not.toContain(needle);
    const redactions = await t.sql`SELECT 1 FROM ingest_counters WHERE tenant_id = 'acme' AND counter LIKE 'redactions.%'`;
    expect(redactions.length).toBeGreaterThan(5);
  });

  it("stores every benign value exactly as sent", async () => {
    const stored = await t.sql<{ body: string; attributes: Record<string, unknown> }[]>`SELECT body, attributes FROM log_records WHERE body::text LIKE '"benign %'`;
    const altered: string[] = [];
    for (const benign of benignCorpus) {
      const records = stored.filter((r) => r.body === `benign ${benign.name}`);
      expect(records.length).toBe(2);
      for (const r of records) if (r.attributes[benign.key] !== benign.value) altered.push(`${benign.name}: ${JSON.stringify(r.attributes[benign.key])}`);
    }
    expect(altered).toEqual([]);
  });
});

type Encoding = "application/x-protobuf" | "application/json";
const ExportLogsServiceRequest = opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

const logCount = async () => (await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM log_records`)[0]!.n;

/** Sends the body to the handler and checks the invariants. */
async function check(body: Uint8Array | string, contentType: Encoding, sent: number | undefined): Promise<number> {
  const before = await logCount();
  const res = await handler(new Request("http://ingest/v1/logs", { method: "POST", headers: { "content-type": contentType, authorization: `Bearer ${key}` }, body: body as BodyInit }));
  const added = (await logCount()) - before;
  expect([200, 400]).toContain(res.status);
  if (res.status === 400) expect(added).toBe(0);
  else if (sent !== undefined) {
    const answer = Buffer.from(await res.arrayBuffer());
    const rejected =
      contentType === "application/json"
        ? Number(JSON.parse(answer.toString()).partialSuccess?.rejectedLogRecords ?? 0)
        : (decodeExportResponse(answer).partialSuccess?.rejectedSpans ?? 0);
    // Records are never partly written: at most those not refused (fewer only as duplicates).
    expect(added).toBeLessThanOrEqual(sent - rejected);
  }
  expect(logged).toEqual([]);
  return res.status;
}

function validProtobuf(n: number): Uint8Array {
  const time = fixed64(BigInt(Date.now()) * 1_000_000n);
  return ExportLogsServiceRequest.encode({
    resourceLogs: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "prop" } }] },
        scopeLogs: [
          {
            logRecords: Array.from({ length: n }, (_, i) => ({
              timeUnixNano: time as never,
              severityNumber: 9,
              body: { stringValue: `line ${i} ${Math.random()}` },
              attributes: [{ key: "i", value: { intValue: i } }],
              traceId: Buffer.alloc(16, i + 1),
              spanId: Buffer.alloc(8, i + 1),
            })),
          },
        ],
      },
    ],
  }).finish();
}

function recordsIn(body: Uint8Array): number | undefined {
  try {
    const message = ExportLogsServiceRequest.decode(body);
    return (message.resourceLogs ?? []).reduce((n, rl) => n + (rl.scopeLogs ?? []).reduce((m, sl) => m + (sl.logRecords ?? []).length, 0) + (rl.instrumentationLibraryLogs ?? []).reduce((m, sl) => m + (sl.logRecords ?? []).length, 0), 0);
  } catch {
    return undefined;
  }
}

describe("malformed log bodies", () => {
  it("random protobuf bytes: 200 or 400, never a crash, never a partial write", async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => void (await check(bytes, "application/x-protobuf", undefined))), { numRuns: 100 });
  });

  it("mutated valid protobuf requests: 200 or 400, and what is stored is whole", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        const body = mutate(validProtobuf(6), mutations);
        await check(body, "application/x-protobuf", recordsIn(body));
      }),
      { numRuns: 100 },
    );
  });

  it("OTLP/JSON log records with any JSON in any field: 200 or 400, and refused records change nothing", async () => {
    const now = (BigInt(Date.now()) * 1_000_000n).toString();
    const anything = fc.jsonValue({ maxDepth: 3 });
    const field = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: anything });
    const record = fc.record(
      {
        timeUnixNano: field(fc.constant(now)),
        observedTimeUnixNano: field(fc.constantFrom(now, "0", 0)),
        severityNumber: field(fc.integer({ min: -3, max: 30 })),
        severityText: field(fc.string()),
        body: field(fc.oneof(fc.string().map((s) => ({ stringValue: s })), fc.integer().map((i) => ({ intValue: i })), fc.constant({ kvlistValue: { values: [{ key: "k", value: { boolValue: true } }] } }))),
        attributes: field(fc.array(fc.record({ key: fc.string(), value: fc.record({ stringValue: fc.string() }) }), { maxLength: 3 })),
        traceId: field(fc.constantFrom("", "0af7651916cd43dd8448eb211c80319c", "xyz", "00000000000000000000000000000000")),
        spanId: field(fc.constantFrom("", "b7ad6b7169203331", "12")),
        flags: field(fc.nat()),
        eventName: field(fc.string()),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 6 }), async (records) => {
        const body = JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: "service.name", value: { stringValue: "prop" } }] }, scopeLogs: [{ logRecords: records }] }] });
        await check(body, "application/json", records.length);
      }),
      { numRuns: 150 },
    );
  });
});
