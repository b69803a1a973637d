import http from "node:http";
import type { AddressInfo } from "node:net";
import { SpanKind } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCorrelation } from "./correlation";
import { isValidRequestId } from "./ids";
import { traceMiddleware } from "./node-http";
import { captureSpans } from "./testing/capture";

let capture: Awaited<ReturnType<typeof captureSpans>>;
let server: http.Server;
let url: string;

beforeAll(async () => {
  capture = await captureSpans({ serviceName: "node-http-test" });
  const middleware = traceMiddleware({
    route: (req) => (req.url?.startsWith("/items/") ? "/items/:id" : "/other"),
    tenant: (req) => {
      if (req.headers.authorization === "Bearer broken") throw new Error("session store down");
      return req.headers.authorization === "Bearer initech" ? "initech" : undefined;
    },
  });
  server = http.createServer((req, res) =>
    middleware(req, res, (error) => {
      if (error) {
        res.writeHead(503).end();
        return;
      }
      // Body events come from the socket: the scope must still be there when they fire.
      req.on("data", () => {});
      req.on("end", () => {
        setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(getCorrelation())), 5);
      });
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await capture?.tracing.shutdown();
});

describe("traceMiddleware", () => {
  it("gives a request without ids new ones, keeps them across body events and async work, and returns them", async () => {
    const res = await fetch(`${url}/items/42?expand=1`, { method: "POST", body: "x".repeat(100_000), headers: { authorization: "Bearer initech" } });
    const seen = await res.json();
    expect(seen).toMatchObject({ tenantId: "initech", requestId: res.headers.get("x-request-id") });
    expect(res.headers.get("traceparent")).toBe(`00-${seen.traceId}-${seen.spanId}-01`);
    await expect.poll(() => capture.spans().length).toBe(1);
    expect(capture.spans()[0]).toMatchObject({ name: "POST /items/:id", kind: SpanKind.SERVER });
    expect(capture.spans()[0]!.attributes).toMatchObject({ "url.path": "/items/42", "http.response.status_code": 200, "tenant.id": "initech" });
  });

  it("hands a failing tenant lookup to next(error) and records the status", async () => {
    capture.exporter.reset();
    const res = await fetch(`${url}/other`, { headers: { authorization: "Bearer broken" } });
    expect(res.status).toBe(503);
    expect(isValidRequestId(res.headers.get("x-request-id"))).toBe(true);
    await expect.poll(() => capture.spans()[0]?.attributes["http.response.status_code"]).toBe(503);
  });
});
