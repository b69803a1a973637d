import { randomBytes } from "node:crypto";
import { context, trace, type HrTime } from "@opentelemetry/api";
import { SeverityNumber } from "@opentelemetry/api-logs";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { OTLPLogExporter as JsonLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPLogExporter as ProtoLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { InMemoryLogRecordExporter, type ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "@/db/connect";
import { bigintToSpanId } from "@/db/span-codec/ids";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { serveHandler } from "./otlp-http/node-server";
import { createIngestHandler } from "./signals";
import { holdAdmission, keyFor, postOtlp, seedTenant, startIngestServer, testTracing, TEST_SCOPE, type ExporterKind, type IngestServer } from "./testing/fixtures";
import { storedLogs, testLogging } from "./testing/logs";

let t: TestDatabase;
let server: IngestServer;
let logsUrl: string;
let acmeKey: string;
let platformKey: string;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenant(t.sql, "acme");
  await seedTenant(t.sql, "globex");
  acmeKey = await keyFor(t, "acme");
  platformKey = await keyFor(t, null);
  server = await startIngestServer(t);
  logsUrl = server.endpoint.replace(/\/v1\/traces$/, "/v1/logs");
});
afterAll(async () => {
  await server.close();
  await t.drop();
});

const ns = ([s, n]: HrTime) => BigInt(s) * 1_000_000_000n + BigInt(n);

async function clear(): Promise<void> {
  await t.sql`DELETE FROM log_records`;
  await t.sql`DELETE FROM ingest_counters`;
  await t.sql`DELETE FROM ingest_isolation_violations`;
}

describe.each<ExporterKind>(["proto", "json"])("log records exported by the real OpenTelemetry %s logs exporter", (kind) => {
  it("are stored exactly: times in ns, severity, body and its type, attributes, ids of the active span, flags, event name, resource and scope", async () => {
    await clear();
    const memory = new InMemoryLogRecordExporter();
    // JSON gzipped, protobuf not: both paths of the shared transport.
    const logging = testLogging({ endpoint: logsUrl, key: acmeKey, kind, gzip: kind === "json", alsoTo: memory, resource: { "deployment.environment.name": "test" } });
    const tracing = testTracing({ endpoint: server.endpoint, key: acmeKey, kind });
    const span = tracing.tracer.startSpan("charge card");
    const second = Math.floor(Date.now() / 1000) - 5;
    // The span's context, as a logger bridge (pino, winston) hands it to the SDK.
    logging.logger.emit({
      context: trace.setSpan(context.active(), span),
      timestamp: [second, 123_456_789],
      severityNumber: SeverityNumber.ERROR,
      severityText: "ERROR",
      body: "card declined: insufficient funds",
      eventName: "payment.declined",
      attributes: { "job.attempt": 2, retry: true, amount: 42.5, tags: ["a", "b"] },
    });
    logging.logger.emit({ timestamp: [second, 200_000_001], severityNumber: SeverityNumber.INFO, body: { order: "o-1", lines: [1, 2] } });
    logging.logger.emit({ timestamp: [second, 300_000_000], body: 17 });
    logging.logger.emit({ timestamp: [second, 400_000_000], body: 2.5 });
    logging.logger.emit({ timestamp: [second, 500_000_000], body: false });
    logging.logger.emit({ timestamp: [second, 600_000_000], body: new Uint8Array([1, 2, 250]) });
    logging.logger.emit({ timestamp: [second, 700_000_000] });
    span.end();
    await logging.flush();
    const sent = memory.getFinishedLogRecords();
    await logging.shutdown();
    await tracing.shutdown();

    const rows = await storedLogs(t.sql);
    expect(rows).toHaveLength(7);
    for (const [i, row] of rows.entries()) {
      const record = sent[i]!;
      expect(row.tenant_id).toBe("acme");
      expect(row.time_ns).toBe(String(ns(record.hrTime)));
      expect(row.observed_time_ns).toBe(String(ns(record.hrTimeObserved)));
      expect(row.resource).toEqual(record.resource.attributes);
      expect(row.scope_name).toBe(TEST_SCOPE.name);
      expect(row.scope_version).toBe(TEST_SCOPE.version);
    }
    const [error, structured, int, double, bool, bytes, empty] = rows;
    expect(error).toMatchObject({
      severity_number: 17,
      severity_text: "ERROR",
      body_type: "string",
      body: "card declined: insufficient funds",
      event_name: "payment.declined",
      trace_id: span.spanContext().traceId,
      flags: 1,
    });
    expect(bigintToSpanId(BigInt(error!.span_id!))).toBe(span.spanContext().spanId);
    expect(error!.attributes).toMatchObject({ "job.attempt": 2, retry: true, amount: 42.5, tags: ["a", "b"] });
    expect(structured).toMatchObject({ severity_number: 9, severity_text: null, body_type: "kvlist", body: { order: "o-1", lines: [1, 2] }, trace_id: null, span_id: null, flags: 0 });
    expect(int).toMatchObject({ body_type: "int", body: 17 });
    expect(double).toMatchObject({ body_type: "double", body: 2.5 });
    expect(bool).toMatchObject({ body_type: "bool", body: false });
    expect(bytes).toMatchObject({ body_type: "bytes", body: { $bytes: Buffer.from([1, 2, 250]).toString("base64") } });
    expect(empty).toMatchObject({ body_type: "empty", body: null, severity_number: 0 });
  });
});

const nowNs = () => BigInt(Date.now()) * 1_000_000n;

function jsonLogs(records: object[], resource: object[] = [{ key: "service.name", value: { stringValue: "raw" } }]): string {
  return JSON.stringify({ resourceLogs: [{ resource: { attributes: resource }, scopeLogs: [{ scope: { name: "raw" }, logRecords: records }] }] });
}

describe("OTLP/JSON fidelity of log records", () => {
  it("keeps every AnyValue type of a body and attributes, 64-bit integers past 2^53 and nanosecond times exactly", async () => {
    await clear();
    const time = nowNs() - 1_000_000_123n;
    const value = {
      kvlistValue: {
        values: [
          { key: "s", value: { stringValue: "text" } },
          { key: "b", value: { boolValue: true } },
          { key: "i", value: { intValue: "9223372036854775807" } },
          { key: "n", value: { intValue: "-9007199254740993" } },
          { key: "d", value: { doubleValue: 3 } },
          { key: "nan", value: { doubleValue: "NaN" } },
          { key: "a", value: { arrayValue: { values: [{ intValue: 1 }, { stringValue: "x" }] } } },
          { key: "x", value: { bytesValue: Buffer.from("hi").toString("base64") } },
        ],
      },
    };
    // The last integer is a JSON number past 2^53: decoded again losslessly.
    const body = jsonLogs([{ timeUnixNano: time.toString(), severityNumber: "SEVERITY_NUMBER_WARN", body: value, attributes: [{ key: "nested", value }] }]).replaceAll(
      '"intValue":"-9007199254740993"',
      '"intValue":-9007199254740993',
    );
    const response = await postOtlp(logsUrl, { body, key: acmeKey, contentType: "application/json" });
    expect(response.status).toBe(200);
    const [row] = await storedLogs(t.sql);
    const expected = { s: "text", b: true, i: { $int: "9223372036854775807" }, n: { $int: "-9007199254740993" }, d: { $double: 3 }, nan: { $double: "NaN" }, a: [1, "x"], x: { $bytes: "aGk=" } };
    expect(row).toMatchObject({ time_ns: time.toString(), severity_number: 13, body_type: "kvlist", body: expected, attributes: { nested: expected } });
  });
});

describe("tenants and keys", () => {
  it("a tenant key writes only its tenant: a record naming another is refused and logged as a violation, the rest stored", async () => {
    await clear();
    const time = nowNs().toString();
    const body = jsonLogs([
      { timeUnixNano: time, body: { stringValue: "mine" } },
      { timeUnixNano: time, body: { stringValue: "theirs" }, attributes: [{ key: "tenant.id", value: { stringValue: "globex" } }], traceId: randomBytes(16).toString("hex") },
    ]);
    const response = await postOtlp(logsUrl, { body, key: acmeKey, contentType: "application/json" });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body.toString())).toEqual({
      partialSuccess: { rejectedLogRecords: "1", errorMessage: expect.stringContaining("Refused 1 of 2 log records: 1 with a tenant other than the one the key is scoped to") },
    });
    const rows = await storedLogs(t.sql);
    expect(rows.map((r) => [r.tenant_id, r.body])).toEqual([["acme", "mine"]]);
    const violations = await t.sql`SELECT reason, claimed_tenant, owner_tenant, spans FROM ingest_isolation_violations`;
    expect(violations).toEqual([{ reason: "foreign_tenant", claimed_tenant: "globex", owner_tenant: "acme", spans: 1 }]);
  });

  it("a platform key writes the tenant each record or its resource names, and refuses a record naming none", async () => {
    await clear();
    const time = nowNs().toString();
    const body = jsonLogs(
      [
        { timeUnixNano: time, body: { stringValue: "from the resource" } },
        { timeUnixNano: time, body: { stringValue: "conflicting" }, attributes: [{ key: "tenant.id", value: { stringValue: "acme" } }] },
      ],
      [{ key: "tenant.id", value: { stringValue: "globex" } }],
    );
    const none = jsonLogs([{ timeUnixNano: time, body: { stringValue: "nobody's" } }]);
    const first = await postOtlp(logsUrl, { body, key: platformKey, contentType: "application/json" });
    const second = await postOtlp(logsUrl, { body: none, key: platformKey, contentType: "application/json" });
    expect(JSON.parse(first.body.toString()).partialSuccess.errorMessage).toContain("the span and its resource name different tenants");
    expect(JSON.parse(second.body.toString()).partialSuccess.errorMessage).toContain("no tenant.id");
    expect((await storedLogs(t.sql)).map((r) => [r.tenant_id, r.body])).toEqual([["globex", "from the resource"]]);
  });
});

async function exportWith(kind: ExporterKind, records: ReadableLogRecord[]): Promise<void> {
  const config = { url: logsUrl, headers: { authorization: `Bearer ${acmeKey}` } };
  const exporter = kind === "proto" ? new ProtoLogExporter(config) : new JsonLogExporter(config);
  const result = await new Promise<ExportResult>((resolve) => exporter.export(records, resolve));
  await exporter.shutdown();
  expect(result.code).toBe(ExportResultCode.SUCCESS);
}

describe("retries", () => {
  it.each<ExporterKind>(["proto", "json"])("a batch the %s exporter sends again stores nothing twice, and is counted as duplicates", async (kind) => {
    await clear();
    const memory = new InMemoryLogRecordExporter();
    const logging = testLogging({ endpoint: logsUrl, key: acmeKey, kind, alsoTo: memory });
    for (let i = 0; i < 5; i++) logging.logger.emit({ body: `line ${i}`, severityNumber: SeverityNumber.INFO });
    // Two identical lines at the same instant are one record: the second is its duplicate.
    const at: HrTime = [Math.floor(Date.now() / 1000), 1];
    logging.logger.emit({ body: "twice", timestamp: at, observedTimestamp: at });
    logging.logger.emit({ body: "twice", timestamp: at, observedTimestamp: at });
    await logging.flush();
    const records = memory.getFinishedLogRecords();
    await logging.shutdown();
    expect(records).toHaveLength(7);
    const first = await storedLogs(t.sql);
    expect(first).toHaveLength(6);

    // The very records exported again, as an exporter retrying after a lost answer does.
    await exportWith(kind, records);
    expect(await storedLogs(t.sql)).toEqual(first);
    const counters = await t.sql<{ counter: string; value: string }[]>`
      SELECT counter, value::text FROM ingest_counters WHERE tenant_id = 'acme' AND counter LIKE 'logs.%' ORDER BY counter`;
    expect(counters).toEqual([
      { counter: "logs.duplicate", value: "8" },
      { counter: "logs.stored", value: "6" },
    ]);
  });
});

describe("written by COPY, again with an insert that skips what is stored", () => {
  const at = nowNs() - 5_000_000_000n;
  // Text COPY must escape: tabs, newlines, backslashes, quotes in every text and JSON field.
  const record = (i: number) => ({
    timeUnixNano: (at + BigInt(i)).toString(),
    severityText: `WARN\t${i}`,
    body: { stringValue: `line ${i}\twith\na "quote" and a \\ backslash` },
    attributes: [{ key: "k\\ey\t", value: { stringValue: "v\r\n\\N" } }],
    eventName: "\\N",
    flags: 0x80000001,
  });
  const post = (records: object[]) => postOtlp(logsUrl, { body: jsonLogs(records), key: acmeKey, contentType: "application/json" });
  const count = async () => Number((await t.sql<{ n: string }[]>`SELECT count(*) AS n FROM log_records`)[0]!.n);
  const counters = () => t.sql<{ counter: string; value: string }[]>`
    SELECT counter, value::text FROM ingest_counters WHERE tenant_id = 'acme' AND counter LIKE 'logs.%' ORDER BY counter`;

  it("a batch half of which is stored stores the other half, exactly as the insert stores it", async () => {
    await clear();
    expect((await post(Array.from({ length: 10 }, (_, i) => record(i)))).status).toBe(200);
    const copied = await storedLogs(t.sql);
    expect(copied.find((r) => r.time_ns === at.toString())).toMatchObject({ severity_text: "WARN\t0", body: "line 0\twith\na \"quote\" and a \\ backslash", attributes: { "k\\ey\t": "v\r\n\\N" }, event_name: "\\N", flags: 0x80000001 | 0 });
    // Records 5–9 are stored: the COPY fails on them, and the insert stores 10–14 only.
    expect((await post(Array.from({ length: 10 }, (_, i) => record(i + 5)))).status).toBe(200);
    expect(await count()).toBe(15);
    const all = await storedLogs(t.sql);
    const key = (r: { record_id: string }) => r.record_id;
    // The insert's rows read as the COPY's did.
    expect(new Map(all.map((r) => [key(r), r]))).toEqual(new Map([...copied, ...all.filter((r) => !copied.some((c) => key(c) === key(r)))].map((r) => [key(r), r])));
    expect(all.find((r) => r.time_ns === (at + 14n).toString())).toMatchObject({ severity_text: "WARN\t14", event_name: "\\N" });
    expect(await counters()).toEqual([
      { counter: "logs.duplicate", value: "5" },
      { counter: "logs.stored", value: "15" },
    ]);
  });

  it("a day whose partition the purge has detached is refused whole, and nothing is written into the detached table", async () => {
    await clear();
    const then = nowNs() - 2n * 86_400_000_000_000n;
    const day = new Date(Number(then / 1_000_000n)).toISOString().slice(0, 10);
    const partition = `log_records_p${day.replaceAll("-", "")}`;
    await t.sql`SELECT ensure_log_partitions(${day}::date, ${day}::date)`;
    await t.sql.unsafe(`ALTER TABLE log_records DETACH PARTITION ${partition}`);
    try {
      const res = await post([{ ...record(0), timeUnixNano: then.toString() }, record(1)]);
      expect(res.status).toBe(500);
      expect(await count()).toBe(0);
      expect(Number((await t.sql.unsafe<{ n: string }[]>(`SELECT count(*) AS n FROM ${partition}`))[0]!.n)).toBe(0);
    } finally {
      await t.sql.unsafe(`DROP TABLE ${partition}`);
    }
  });

  it("concurrent copies of one batch store each record once", async () => {
    await clear();
    const batch = Array.from({ length: 300 }, (_, i) => record(i));
    const answers = await Promise.all(Array.from({ length: 4 }, () => post(batch)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(await count()).toBe(300);
    expect(await counters()).toEqual([
      { counter: "logs.duplicate", value: "900" },
      { counter: "logs.stored", value: "300" },
    ]);
  });
});

describe("backpressure", () => {
  it("is shared with traces: while a stalled span export holds the only admission place, a log export is answered 429 with Retry-After", async () => {
    const busy = await startIngestServer(t, { config: { maxConcurrent: 1, maxQueued: 0 } });
    try {
      const held = await holdAdmission(busy.endpoint, acmeKey);
      const res = await postOtlp(busy.endpoint.replace(/traces$/, "logs"), { body: jsonLogs([{ timeUnixNano: nowNs().toString() }]), key: acmeKey, contentType: "application/json" });
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toBe("1");
      await held.release();
    } finally {
      await busy.close();
    }
  });

  it("503 with Retry-After when the database cannot be reached", async () => {
    const dead = connect("postgres://nobody:nothing@127.0.0.1:1/none", { max: 1 });
    const down = await serveHandler(createIngestHandler({ sql: dead, log: { warn: () => {}, error: () => {} } }));
    try {
      const res = await postOtlp(`${down.url}/v1/logs`, { body: jsonLogs([{ timeUnixNano: nowNs().toString() }]), key: acmeKey, contentType: "application/json" });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
    } finally {
      await down.close();
      await dead.end();
    }
  });
});
