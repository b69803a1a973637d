import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withSpan } from "./spans";
import { captureLogs, captureSpans } from "./testing/capture";

let capture: Awaited<ReturnType<typeof captureSpans>>;

beforeAll(async () => {
  capture = await captureSpans({ serviceName: "logger-test" });
});
afterAll(async () => {
  await capture?.tracing.shutdown();
});

describe("logger", () => {
  it("says so explicitly when a line is written outside any trace context", () => {
    const { logger, lines } = captureLogs();
    logger.warn({ job: "startup" }, "booting");
    expect(lines()[0]).toMatchObject({
      msg: "booting",
      job: "startup",
      context: "none",
      trace_id: null,
      span_id: null,
      request_id: null,
      tenant_id: null,
    });
  });

  it("carries the active span's ids inside a span without the caller passing them", async () => {
    const { logger, lines } = captureLogs();
    const ids = await withSpan("nightly export", async (span) => {
      await new Promise((r) => setTimeout(r, 1));
      logger.info("exported");
      return span.spanContext();
    });
    expect(lines()[0]).toMatchObject({ trace_id: ids.traceId, span_id: ids.spanId, request_id: null, tenant_id: null });
    expect(lines()[0]).not.toHaveProperty("context");
  });

  it("keeps a caller's own context field inside a scope, and its own ids outside none", async () => {
    const { logger, lines, raw } = captureLogs();
    logger.info({ context: "import", request_id: "made-up-id" }, "outside");
    await withSpan("import", async () => logger.info({ context: "import" }, "inside"));
    const [outside, inside] = lines();
    expect(outside).toMatchObject({ context: "none", request_id: null });
    expect(inside).toMatchObject({ context: "import", trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    // Each field once: the caller's copy is dropped, not written beside the library's.
    for (const line of raw()) expect(line.match(/"context"/g)).toHaveLength(1);
    expect(raw()[0]).not.toContain("made-up-id");
  });

  it("redacts known secret fields at the top level, one level down and in headers", () => {
    const { logger, lines } = captureLogs();
    logger.info(
      {
        password: "hunter2",
        apiKey: "sk_live_abcdef",
        user: { email: "kept-as-field@example.com", token: "t0k3n", client_secret: "cs" },
        req: { headers: { authorization: "Bearer abc", cookie: "sid=1", "x-api-key": "k", accept: "json" } },
        headers: { "set-cookie": "sid=2" },
      },
      "login",
    );
    const line = JSON.stringify(lines()[0]);
    for (const secret of ["hunter2", "sk_live_abcdef", "t0k3n", '"cs"', "Bearer abc", "sid=1", '"k"', "sid=2"]) {
      expect(line).not.toContain(secret);
    }
    expect(lines()[0]).toMatchObject({ req: { headers: { accept: "json", authorization: "[REDACTED]" } } });
  });

  it("redacts secrets bound to a child logger too", () => {
    const { logger, lines } = captureLogs();
    logger.child({ service: "billing", apiKey: "ak_live_123" }).child({ worker: 2, token: "t-9" }).info("ready");
    expect(lines()[0]).toMatchObject({ service: "billing", apiKey: "[REDACTED]", worker: 2, token: "[REDACTED]", msg: "ready" });
  });
});
