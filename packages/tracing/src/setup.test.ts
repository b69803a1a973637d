import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { tracingConfigFromEnv } from "./env-config";
import { withTracing } from "./next";
import { initTracing, type TracingHandle } from "./setup";
import { captureLogs } from "./testing/capture";

let tracing: TracingHandle | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

const handler = (logger = captureLogs().logger) =>
  withTracing(
    async () => {
      logger.info({ note: "reached" }, "handled");
      return new Response("ok");
    },
    { route: "/api/orders", attributes: { "enduser.email": "erin@example.com" } },
  );

describe("initTracing", () => {
  it("without an exporter, records nothing yet still gives requests and log lines real W3C ids", async () => {
    tracing = await initTracing({ serviceName: "explorer" });
    expect(tracing.exporting).toBe(false);
    const { logger, lines } = captureLogs();
    const res = await handler(logger)(new Request("http://localhost/api/orders"), {});
    const traceparent = res.headers.get("traceparent");
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    expect(lines()[0]).toMatchObject({ trace_id: traceparent!.slice(3, 35), request_id: res.headers.get("x-request-id") });
  });

  it("exports over OTLP/HTTP with the configured headers, sanitized, and never its own ingest route", async () => {
    const received: { url: string; headers: http.IncomingHttpHeaders; body: Buffer }[] = [];
    const collector = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({ url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
    try {
      const port = (collector.address() as AddressInfo).port;
      tracing = await initTracing({
        serviceName: "explorer",
        exportUrl: `http://127.0.0.1:${port}/v1/traces`,
        exportHeaders: { authorization: "Bearer ingest-key-1234" },
        processor: "simple",
      });
      const ingest = withTracing(async () => new Response(null, { status: 200 }), { route: "/v1/traces" });
      await ingest(new Request("http://localhost/v1/traces", { method: "POST" }), {});
      const res = await handler()(new Request("http://localhost/api/orders"), {});
      await tracing.forceFlush();
      await expect.poll(() => received.length).toBe(1);

      const [request] = received;
      expect(request!.url).toBe("/v1/traces");
      expect(request!.headers["content-type"]).toBe("application/x-protobuf");
      expect(request!.headers.authorization).toBe("Bearer ingest-key-1234");
      const body = request!.body;
      const traceId = res.headers.get("traceparent")!.slice(3, 35);
      expect(body.includes(Buffer.from(traceId, "hex"))).toBe(true);
      expect(body.includes(Buffer.from("GET /api/orders"))).toBe(true);
      expect(body.includes(Buffer.from("/v1/traces"))).toBe(false);
      expect(body.includes(Buffer.from("erin@example.com"))).toBe(false);
    } finally {
      await new Promise((resolve) => collector.close(resolve));
    }
  });
});

describe("tracingConfigFromEnv", () => {
  it("leaves export off unless an endpoint is configured", () => {
    expect(tracingConfigFromEnv("explorer", {}).exportUrl).toBeUndefined();
  });

  it("prefers TRACE_EXPORT_URL, then the OpenTelemetry variables, and sends the ingest key as a bearer token", () => {
    expect(
      tracingConfigFromEnv("explorer", {
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/",
        TRACE_EXPORT_KEY: "key-1",
        TRACE_LOW_PRIORITY_RATIO: "0.25",
        TRACE_SLOW_MS: "1500",
      }),
    ).toEqual({
      serviceName: "explorer",
      exportUrl: "http://collector:4318/v1/traces",
      exportHeaders: { authorization: "Bearer key-1" },
      sampling: { lowPriorityRatio: 0.25, slowThresholdMs: 1500 },
      logs: { exportUrl: "http://collector:4318/v1/logs" },
    });
    expect(
      tracingConfigFromEnv("explorer", { TRACE_EXPORT_URL: "http://localhost:3000/v1/traces", OTEL_EXPORTER_OTLP_ENDPOINT: "http://x:4318" }).exportUrl,
    ).toBe("http://localhost:3000/v1/traces");
  });

  it("exports logs beside the traces unless told otherwise, over the protocol asked", () => {
    const logsOf = (env: Record<string, string>) => tracingConfigFromEnv("explorer", env).logs;
    expect(logsOf({})).toBeUndefined();
    expect(logsOf({ TRACE_EXPORT_URL: "http://localhost:3000/v1/traces" })).toEqual({ exportUrl: "http://localhost:3000/v1/logs" });
    // A traces URL of another shape says nothing about where logs go.
    expect(logsOf({ TRACE_EXPORT_URL: "http://localhost:3000/ingest" })).toBeUndefined();
    expect(logsOf({ TRACE_EXPORT_URL: "http://localhost:3000/v1/traces", OTEL_LOGS_EXPORTER: "none" })).toBeUndefined();
    expect(
      logsOf({
        TRACE_EXPORT_URL: "http://localhost:3000/v1/traces",
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "http://collector:4318/v1/logs",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      }),
    ).toEqual({ exportUrl: "http://collector:4318/v1/logs", protocol: "http/json" });
    expect(logsOf({ LOG_EXPORT_URL: "http://a/v1/logs", OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "http://b/v1/logs", OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: "http/protobuf", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" })).toEqual({
      exportUrl: "http://a/v1/logs",
      protocol: "http/protobuf",
    });
    expect(() => logsOf({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL/);
  });

  it("names every bad variable", () => {
    expect(() => tracingConfigFromEnv("explorer", { TRACE_EXPORT_URL: "not a url", TRACE_LOW_PRIORITY_RATIO: "2" })).toThrow(
      /TRACE_EXPORT_URL.*TRACE_LOW_PRIORITY_RATIO/,
    );
  });
});
