import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { gunzipSync } from "node:zlib";
import { SeverityNumber } from "@opentelemetry/api-logs";
import { InMemoryLogRecordExporter } from "@opentelemetry/sdk-logs";
import protobuf from "protobufjs";
import { afterEach, describe, expect, it } from "vitest";
import { getCorrelation } from "./correlation";
import { severityOf } from "./log-export";
import type { LogExportProtocol } from "./log-pipeline";
import { withTracing } from "./next";
import { benignCorpus, leakCorpus, leakNeedles, resourceOf, type LeakCase } from "./redaction/corpus";
import { isSensitiveKey } from "./sanitize";
import { initTracing, type TracingHandle } from "./setup";
import { captureLogs } from "./testing/capture";

// The subset of opentelemetry/proto/logs/v1 (and common/v1, resource/v1) the assertions read,
// with the upstream field numbers: the exporter's bytes are decoded as a collector would.
const LOGS_PROTO = `
syntax = "proto3";
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
message ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; }
message Resource { repeated KeyValue attributes = 1; }
message ScopeLogs { Scope scope = 1; repeated LogRecord log_records = 2; }
message Scope { string name = 1; }
message LogRecord {
  fixed64 time_unix_nano = 1; int32 severity_number = 2; string severity_text = 3; AnyValue body = 5;
  repeated KeyValue attributes = 6; fixed32 flags = 8; bytes trace_id = 9; bytes span_id = 10;
}
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
`;
const ExportLogsServiceRequest = protobuf.parse(LOGS_PROTO).root.lookupType("ExportLogsServiceRequest");

type Json = Record<string, unknown>;

interface Received {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

interface Record_ {
  body: unknown;
  severityNumber: number;
  severityText: string;
  timeMs: number;
  attributes: Json;
  resource: Json;
  traceId: string;
  spanId: string;
  flags: number;
}

const hex = (value: unknown) => (typeof value === "string" ? Buffer.from(value, "base64").toString("hex") : "");

function anyValue(value: Json | undefined): unknown {
  if (!value) return undefined;
  if ("kvlistValue" in value) return keyValues((value.kvlistValue as { values?: Json[] }).values);
  if ("arrayValue" in value) return ((value.arrayValue as { values?: Json[] }).values ?? []).map(anyValue);
  if ("intValue" in value) return Number(value.intValue);
  return Object.values(value)[0];
}

function keyValues(list: Json[] | undefined): Json {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key as string, anyValue(kv.value as Json)]));
}

/** The records of one export request, protobuf or JSON, in one shape (ids as hex). */
function decode(request: Received): Record_[] {
  const body = request.headers["content-encoding"] === "gzip" ? gunzipSync(request.body) : request.body;
  const json = request.headers["content-type"] === "application/json";
  const message: Json = json
    ? (JSON.parse(body.toString("utf8")) as Json)
    : ExportLogsServiceRequest.toObject(ExportLogsServiceRequest.decode(body), { longs: String, bytes: String });
  return ((message.resourceLogs ?? []) as Json[]).flatMap((rl) =>
    ((rl.scopeLogs ?? []) as Json[]).flatMap((sl) =>
      ((sl.logRecords ?? []) as Json[]).map((r) => ({
        body: anyValue(r.body as Json | undefined),
        severityNumber: Number(r.severityNumber ?? 0),
        severityText: (r.severityText as string | undefined) ?? "",
        timeMs: Number(BigInt(r.timeUnixNano as string) / 1_000_000n),
        attributes: keyValues(r.attributes as Json[] | undefined),
        resource: keyValues((rl.resource as { attributes?: Json[] }).attributes),
        // OTLP/JSON writes ids as hex, protobuf as bytes.
        traceId: json ? ((r.traceId as string | undefined) ?? "") : hex(r.traceId),
        spanId: json ? ((r.spanId as string | undefined) ?? "") : hex(r.spanId),
        flags: Number(r.flags ?? 0),
      })),
    ),
  );
}

/** A collector on a free port: answers 200, or never (stalled) when told so. */
async function startCollector(options: { stall?: boolean } = {}) {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      if (!options.stall) res.writeHead(200, { "content-type": req.headers["content-type"] ?? "application/json" }).end();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    logs: () => received.filter((r) => r.url === "/v1/logs").flatMap(decode),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let tracing: TracingHandle | undefined;
let collector: Awaited<ReturnType<typeof startCollector>> | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  await collector?.close();
  tracing = undefined;
  collector = undefined;
});

describe("log export over OTLP", () => {
  for (const protocol of ["http/protobuf", "http/json"] as LogExportProtocol[]) {
    it(`ships the logger's records over ${protocol}: body, severity, scope ids, span context, resource, sanitized`, async () => {
      collector = await startCollector();
      tracing = await initTracing({
        serviceName: "orders-api",
        serviceVersion: "1.2.3",
        exportUrl: `${collector.url}/v1/traces`,
        exportHeaders: { authorization: "Bearer ingest-key-1234" },
        logs: { exportUrl: `${collector.url}/v1/logs`, protocol },
      });
      expect(tracing.exportingLogs).toBe(true);
      const { logger, lines } = captureLogs();
      let ids = getCorrelation();
      const handler = withTracing(
        async () => {
          ids = getCorrelation();
          logger.info({ orderId: 42, password: "hunter2", card: "4111 1111 1111 1111" }, "charged erin@example.com with Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl");
          logger.error({ err: new Error("PDF renderer timed out") }, "invoice failed");
          return new Response("ok");
        },
        { route: "/api/orders", tenant: () => "acme" },
      );
      await handler(new Request("http://localhost/api/orders"), {});
      logger.warn({ job: "startup" }, "outside any scope");
      await tracing.forceFlush();

      const request = collector.received.find((r) => r.url === "/v1/logs")!;
      expect(request.headers["content-type"]).toBe(protocol === "http/json" ? "application/json" : "application/x-protobuf");
      expect(request.headers.authorization).toBe("Bearer ingest-key-1234");
      const records = collector.logs();
      expect(records).toHaveLength(3);
      const [info, error, outside] = records as [Record_, Record_, Record_];

      // The record carries the span it was written in, as the stdout line does.
      expect(info.traceId).toBe(ids.traceId);
      expect(info.spanId).toBe(ids.spanId);
      expect(info.traceId).toBe(lines()[0]!.trace_id);
      expect(info.flags & 1).toBe(1);
      expect(error.spanId).toBe(ids.spanId);
      expect(info).toMatchObject({ severityNumber: SeverityNumber.INFO, severityText: "info" });
      expect(error).toMatchObject({ severityNumber: SeverityNumber.ERROR, severityText: "error", body: "invoice failed" });
      expect(Math.abs(info.timeMs - (lines()[0]!.time as number))).toBeLessThan(1);
      expect(info.attributes).toMatchObject({ "tenant.id": "acme", "request.id": ids.requestId, orderId: 42, password: "[REDACTED]" });
      expect(error.attributes).toMatchObject({ "exception.type": "Error", "exception.message": "PDF renderer timed out" });
      expect(error.attributes["exception.stacktrace"]).toContain("log-export.test.ts");
      expect(info.resource).toMatchObject({ "service.name": "orders-api", "service.version": "1.2.3" });
      // The line's own correlation fields travel as span context and attributes, not twice.
      for (const key of ["trace_id", "span_id", "request_id", "tenant_id", "pid", "hostname", "time", "level", "msg"]) {
        expect(info.attributes).not.toHaveProperty(key);
      }

      // Outside any scope: no span context, no ids, and no "context" marker either.
      expect(outside).toMatchObject({ traceId: "", spanId: "", severityNumber: SeverityNumber.WARN, body: "outside any scope" });
      expect(outside.attributes).toEqual({ job: "startup" });

      // The sanitizer ran before the records left: neither the body's secrets nor the fields' are sent.
      expect(info.body).toContain("[REDACTED:email]");
      const sent = JSON.stringify(records) + collector.received.map((r) => r.body.toString("latin1")).join("");
      for (const secret of ["erin@example.com", "hunter2", "4111 1111 1111 1111", "eyJhbGciOiJIUzI1NiJ9", "c2lnbmF0dXJl"]) {
        expect(sent).not.toContain(secret);
      }
      expect(tracing.logExportStats()).toEqual({ exported: 3, failed: 0, dropped: 0, pending: 0 });
    });
  }

  it("keeps home the lines of requests to its own ingest routes, so an explorer exporting to itself never feeds itself", async () => {
    collector = await startCollector();
    // Log export alone: the ingest routes still stay out.
    tracing = await initTracing({ serviceName: "trace-explorer", logs: { exportUrl: `${collector.url}/v1/logs` } });
    const { logger, lines } = captureLogs();
    const route = (path: string) =>
      withTracing(
        async () => {
          logger.warn({ path }, "ingest refused a batch");
          return new Response(null, { status: 400 });
        },
        { route: path },
      );
    for (const path of ["/v1/logs", "/v1/traces", "/api/orders"]) await route(path)(new Request(`http://localhost${path}`, { method: "POST" }), {});
    await tracing.forceFlush();
    expect(lines()).toHaveLength(3); // stdout still has every line
    const shipped = collector.logs();
    expect(shipped.map((r) => r.attributes.path)).toEqual(["/api/orders"]);
    expect(shipped[0]!.flags & 1).toBe(1);
  });

  it("flushes what it holds on shutdown", async () => {
    collector = await startCollector();
    tracing = await initTracing({ serviceName: "worker", logs: { exportUrl: `${collector.url}/v1/logs`, scheduledDelayMs: 60_000 } });
    const { logger } = captureLogs();
    logger.info("last words");
    expect(collector.received).toHaveLength(0);
    await tracing.shutdown();
    expect(collector.logs().map((r) => r.body)).toEqual(["last words"]);
  });

  it("exports nothing, and ships no line, unless log export is configured", async () => {
    collector = await startCollector();
    tracing = await initTracing({ serviceName: "explorer", exportUrl: `${collector.url}/v1/traces` });
    expect(tracing.exportingLogs).toBe(false);
    captureLogs().logger.info("stays on stdout");
    await tracing.shutdown();
    expect(collector.received.filter((r) => r.url === "/v1/logs")).toHaveLength(0);
    expect(tracing.logExportStats()).toBeUndefined();
  });

  it("never delays or fails a log call when the collector stalls: the queue is bounded and its drops counted", async () => {
    collector = await startCollector({ stall: true });
    tracing = await initTracing({
      serviceName: "api",
      logs: { exportUrl: `${collector.url}/v1/logs`, maxQueueSize: 50, scheduledDelayMs: 10, exportTimeoutMs: 3_000 },
    });
    const { logger } = captureLogs();
    logger.info("first");
    await expect.poll(() => collector!.received.length).toBe(1); // an export is now hanging
    let slowest = 0;
    for (let i = 0; i < 2_000; i++) {
      const started = performance.now();
      logger.info({ i }, "while the collector hangs");
      slowest = Math.max(slowest, performance.now() - started);
    }
    // A call that waited for the collector would take the whole export timeout (3 s).
    expect(slowest).toBeLessThan(1_000);
    const stats = tracing.logExportStats()!;
    expect(stats.pending).toBeLessThanOrEqual(50);
    expect(stats.dropped).toBe(2_001 - stats.pending - stats.failed - stats.exported);
    expect(stats.dropped).toBeGreaterThan(1_900);
    // Shutdown still ends: the hanging exports time out and are counted as failed.
    await tracing.shutdown();
    expect(tracing.logExportStats()).toMatchObject({ exported: 0, pending: 0, failed: 2_001 - stats.dropped });
  });

  it("never throws into the caller when the collector refuses connections; the failures are counted", async () => {
    collector = await startCollector();
    const url = `${collector.url}/v1/logs`;
    await collector.close();
    collector = undefined;
    tracing = await initTracing({ serviceName: "api", logs: { exportUrl: url, scheduledDelayMs: 10, exportTimeoutMs: 2_000 } });
    const { logger, lines } = captureLogs();
    expect(() => logger.error({ err: new Error("db down") }, "still logged")).not.toThrow();
    await tracing.forceFlush();
    expect(lines()).toHaveLength(1);
    await expect.poll(() => tracing!.logExportStats()).toMatchObject({ exported: 0, failed: 1, pending: 0 });
  });
});

/** How a corpus case reaches a log call: as the message, as a field's value, or as a field's key. */
function logLeak(logger: ReturnType<typeof captureLogs>["logger"], leak: LeakCase): void {
  switch (leak.in) {
    case "key":
      return logger.info({ [leak.value]: 1 }, "case");
    case "event_name":
    case "status":
    case "span_name":
      return logger.info(leak.value);
    case "resource":
      return logger.info("case");
    case "bytes":
      // A JSON line has no bytes: a Buffer field arrives as its text.
      return logger.info({ [leak.key]: leak.value }, "case");
    default:
      logger.info({ [leak.key]: leak.value }, "case");
      // As a message too, unless only its key made it a secret (the message has no key).
      if (typeof leak.value === "string" && !isSensitiveKey(leak.key)) logger.info(leak.value);
  }
}

describe("log records and the shared redaction corpus", () => {
  it("exports none of the corpus's leaks, whether in the message, a field's value or key, or the resource", async () => {
    const exporter = new InMemoryLogRecordExporter();
    tracing = await initTracing({
      serviceName: "leaky",
      resourceAttributes: resourceOf(leakCorpus),
      logs: { exporter, maxQueueSize: 10_000 },
    });
    const { logger } = captureLogs();
    for (const leak of leakCorpus) logLeak(logger, leak);
    await tracing.forceFlush();
    const records = exporter.getFinishedLogRecords();
    expect(tracing.logExportStats()).toMatchObject({ dropped: 0, failed: 0 });
    const text = JSON.stringify(records.map((r) => ({ body: r.body, attributes: r.attributes, resource: r.resource.attributes })));
    const leaked = leakCorpus.filter((leak) => leakNeedles(leak).some((needle) => text.includes(needle))).map((leak) => leak.name);
    expect(leaked).toEqual([]);
    expect(records.length).toBeGreaterThan(leakCorpus.length);
  });

  it("keeps every benign value of the corpus exactly", async () => {
    const exporter = new InMemoryLogRecordExporter();
    tracing = await initTracing({ serviceName: "benign", logs: { exporter } });
    const { logger } = captureLogs();
    for (const benign of benignCorpus) logger.info({ [benign.key]: benign.value }, benign.name);
    await tracing.forceFlush();
    const altered = exporter.getFinishedLogRecords().flatMap((record, i) => {
      const { key, value, name } = benignCorpus[i]!;
      return record.attributes[key] === value && record.body === name ? [] : [`${name}: ${JSON.stringify(record.attributes[key])}`];
    });
    expect(altered).toEqual([]);
  });
});

describe("severityOf", () => {
  it("maps pino's levels to OpenTelemetry severities, custom levels to the standard one below", () => {
    expect(severityOf(10)).toEqual({ severityNumber: SeverityNumber.TRACE, severityText: "trace" });
    expect(severityOf(20)).toEqual({ severityNumber: SeverityNumber.DEBUG, severityText: "debug" });
    expect(severityOf(40)).toEqual({ severityNumber: SeverityNumber.WARN, severityText: "warn" });
    expect(severityOf(60)).toEqual({ severityNumber: SeverityNumber.FATAL, severityText: "fatal" });
    expect(severityOf(35)).toEqual({ severityNumber: SeverityNumber.INFO, severityText: "35" });
    expect(severityOf(5)).toEqual({ severityNumber: SeverityNumber.TRACE, severityText: "5" });
  });
});
