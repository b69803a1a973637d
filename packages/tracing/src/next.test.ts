import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getCorrelation } from "./correlation";
import { isValidRequestId } from "./ids";
import { withTracing } from "./next";
import { outgoingHeaders } from "./outgoing";
import { captureLogs, captureSpans } from "./testing/capture";

let capture: Awaited<ReturnType<typeof captureSpans>>;
const logs = captureLogs();

beforeAll(async () => {
  capture = await captureSpans({ serviceName: "next-test" });
});
beforeEach(() => capture.exporter.reset());
afterAll(async () => {
  await capture?.tracing.shutdown();
});

const UPSTREAM = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

const echo = withTracing(
  async () => {
    logs.logger.info("handling");
    return Response.json(getCorrelation());
  },
  { route: "/api/echo", tenant: (req) => (req.headers.get("cookie") === "session=acme-user" ? "acme" : undefined) },
);

function call(headers: Record<string, string> = {}, handler = echo) {
  return handler(new Request("http://localhost/api/echo?q=1", { headers }), {});
}

describe("withTracing", () => {
  it("continues a valid upstream traceparent but gives the request its own id, not the client's", async () => {
    const res = await call({ traceparent: UPSTREAM, "x-request-id": "gw-7f3a9c21" });
    const seen = await res.json();
    expect(seen.traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(seen.requestId).not.toBe("gw-7f3a9c21");
    expect(res.headers.get("x-request-id")).toBe(seen.requestId);
    expect(res.headers.get("traceparent")).toBe(`00-0af7651916cd43dd8448eb211c80319c-${seen.spanId}-01`);

    const [span] = capture.spans();
    expect(span).toMatchObject({ name: "GET /api/echo", kind: SpanKind.SERVER });
    expect(span!.parentSpanContext?.spanId).toBe("b7ad6b7169203331");
    expect(span!.attributes).toMatchObject({ "http.route": "/api/echo", "url.path": "/api/echo", "request.id": seen.requestId, "http.response.status_code": 200 });
  });

  it.each([
    ["traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331"],
    ["traceparent", "00-00000000000000000000000000000000-b7ad6b7169203331-01"],
    ["traceparent", "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01"],
    ["traceparent", "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"],
    ["traceparent", "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01"],
    ["traceparent", "garbage"],
    ["x-request-id", "short"],
    ["x-request-id", "has spaces in it"],
    ["x-request-id", "<script>alert(1)</script>"],
    ["x-request-id", "x".repeat(200)],
  ])("treats a malformed %s (%s) as absent and generates a fresh one", async (header, value) => {
    const res = await call({ [header]: value });
    const seen = await res.json();
    expect(seen.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(seen.traceId).not.toBe("0af7651916cd43dd8448eb211c80319c");
    expect(seen.requestId).not.toBe(value);
    expect(res.headers.get("x-request-id")).toBe(seen.requestId);
    const [span] = capture.spans();
    expect(span!.parentSpanContext).toBeUndefined();
    // A client's x-request-id is never read, so there is nothing to reject.
    expect(span!.events.map((e) => e.attributes?.header)).toEqual(header === "traceparent" ? [header] : []);
  });

  it("notes a malformed traceparent, and only that, when both headers are malformed", async () => {
    const res = await call({ traceparent: "garbage", "x-request-id": "short" });
    const seen = await res.json();
    expect(seen.requestId).not.toBe("short");
    const [span] = capture.spans();
    expect(span!.parentSpanContext).toBeUndefined();
    expect(span!.events.map((e) => [e.name, e.attributes?.header])).toEqual([["upstream_header_rejected", "traceparent"]]);
  });

  it("continues the upstream tracestate along with the traceparent", async () => {
    const caller = withTracing(async () => Response.json(outgoingHeaders()), { route: "/caller" });
    const res = await call({ traceparent: UPSTREAM, tracestate: "vendor=abc,te-priority=normal" }, caller);
    const headers = await res.json();
    expect(headers.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(headers.tracestate).toBe("vendor=abc,te-priority=normal");
  });

  it("generates ids for a request that brings none", async () => {
    const first = await (await call()).json();
    const second = await (await call()).json();
    expect(isValidRequestId(first.requestId)).toBe(true);
    expect(first.requestId).not.toBe(second.requestId);
    expect(first.traceId).not.toBe(second.traceId);
  });

  it("takes the tenant from the authenticated caller and ignores a tenant header", async () => {
    const signedIn = await (await call({ cookie: "session=acme-user", "x-tenant-id": "globex" })).json();
    expect(signedIn.tenantId).toBe("acme");
    const anonymous = await (await call({ "x-tenant-id": "globex", "tenant-id": "globex" })).json();
    expect(anonymous.tenantId).toBeNull();
    expect(capture.spans().map((s) => s.attributes["tenant.id"])).toEqual(["acme", undefined]);
  });

  it("keeps the outer ids when a traced handler calls another traced handler", async () => {
    const inner = withTracing(async () => Response.json(getCorrelation()), { route: "/inner", tenant: () => "acme" });
    const outer = withTracing(
      async () => inner(new Request("http://localhost/inner", { headers: { "x-request-id": "attacker-chosen-id" } }), {}).then((r) => r.json()).then((seen) => Response.json({ outer: getCorrelation(), inner: seen })),
      { route: "/outer", tenant: () => "acme" },
    );
    const { outer: o, inner: i } = await (await call({ "x-request-id": "outer-request-1" }, outer)).json();
    expect(i.requestId).toBe(o.requestId);
    expect(o.requestId).not.toBe("outer-request-1");
    expect(i.traceId).toBe(o.traceId);
    expect(i.tenantId).toBe("acme");
    const innerSpan = capture.spans().find((s) => s.name === "GET /inner");
    expect(innerSpan?.kind).toBe(SpanKind.INTERNAL);
  });

  it("hands the trace and request id, never the tenant, to calls to other services", async () => {
    const caller = withTracing(async () => Response.json({ headers: outgoingHeaders(), ids: getCorrelation() }), { route: "/caller", tenant: () => "acme" });
    const { headers, ids } = await (await call({ "x-request-id": "caller-req-01" }, caller)).json();
    expect(headers).toEqual({ traceparent: `00-${ids.traceId}-${ids.spanId}-01`, "x-request-id": ids.requestId });
  });

  it("refuses to switch a scope to another tenant", async () => {
    const inner = withTracing(async () => new Response("never"), { route: "/inner", tenant: () => "globex" });
    const outer = withTracing(async () => inner(new Request("http://localhost/inner"), {}), { route: "/outer", tenant: () => "acme" });
    await expect(call({}, outer)).rejects.toThrow(/already belongs to tenant acme/);
  });

  it("writes the ids on every log line of the handler, and the caller cannot relabel a line", async () => {
    const relabel = withTracing(
      async () => {
        logs.logger.info({ request_id: "forged", tenant_id: "globex", trace_id: "0".repeat(32) }, "relabel attempt");
        return Response.json(getCorrelation());
      },
      { route: "/relabel", tenant: () => "acme" },
    );
    const seen = await (await call({}, relabel)).json();
    const line = logs.lines().find((l) => l.msg === "relabel attempt");
    expect(line).toMatchObject({ request_id: seen.requestId, tenant_id: "acme", trace_id: seen.traceId, span_id: seen.spanId });
  });

  it("gives each line the ids of its own request when requests interleave", async () => {
    const interleaved = withTracing(
      async (req) => {
        const who = new URL(req.url).searchParams.get("who");
        logs.logger.info({ who }, "first");
        await new Promise((r) => setTimeout(r, 5));
        logs.logger.child({ step: 2, request_id: "forged-by-binding" }).info({ who }, "second");
        return Response.json(getCorrelation());
      },
      { route: "/interleaved", tenant: (req) => new URL(req.url).searchParams.get("who") },
    );
    const [a, b] = await Promise.all(
      ["acme", "globex"].map(async (who) => (await interleaved(new Request(`http://localhost/interleaved?who=${who}`), {})).json()),
    );
    for (const [who, ids] of [["acme", a], ["globex", b]] as const) {
      const lines = logs.lines().filter((l) => l.who === who);
      expect(lines.map((l) => l.msg)).toEqual(["first", "second"]);
      for (const line of lines) {
        expect(line).toMatchObject({ request_id: ids.requestId, tenant_id: who, trace_id: ids.traceId, span_id: ids.spanId });
      }
    }
    // A binding of the same name as an id is dropped, not written next to the real one.
    const raw = logs.raw().filter((l) => l.includes('"msg":"second"'));
    expect(raw).toHaveLength(2);
    for (const line of raw) expect(line).not.toContain("forged-by-binding");
  });

  it("marks the span failed on a thrown error or a 5xx, and still answers redirects with the ids", async () => {
    const broken = withTracing(async () => {
      throw new Error("database unreachable");
    }, { route: "/broken" });
    await expect(call({}, broken)).rejects.toThrow("database unreachable");
    const unavailable = withTracing(async () => new Response("busy", { status: 503 }), { route: "/busy" });
    expect((await call({}, unavailable)).status).toBe(503);
    const redirect = withTracing(async () => Response.redirect("http://localhost/login", 303), { route: "/redirect" });
    const res = await call({ "x-request-id": "redirect-req-1" }, redirect);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("http://localhost/login");
    expect(res.headers.get("x-request-id")).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/);
    expect(res.headers.get("x-request-id")).not.toBe("redirect-req-1");

    const [thrown, busy] = capture.spans();
    expect(thrown!.status).toEqual({ code: SpanStatusCode.ERROR, message: "database unreachable" });
    expect(thrown!.events[0]?.name).toBe("exception");
    expect(busy!.status.code).toBe(SpanStatusCode.ERROR);
  });
});
