import { describe, expect, it } from "vitest";
import { requestMetaFrom } from "./request-meta";

describe("requestMetaFrom", () => {
  it("takes the first forwarded address, the agent and valid ids", () => {
    const meta = requestMetaFrom(
      new Headers({
        "x-forwarded-for": "203.0.113.9, 10.0.0.1",
        "user-agent": "curl/8",
        "x-request-id": "req-abcdef123",
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      }),
    );
    expect(meta).toEqual({
      ip: "203.0.113.9",
      userAgent: "curl/8",
      requestId: "req-abcdef123",
      traceId: "0af7651916cd43dd8448eb211c80319c",
    });
  });

  it("drops ids in the wrong shape instead of storing them", () => {
    // Headers refuses CR/LF itself; a raw header source may not.
    const raw: Record<string, string> = { "x-request-id": "x\r\ny", traceparent: "garbage" };
    const meta = requestMetaFrom({ get: (name) => raw[name] ?? null });
    expect(meta.requestId).toBeNull();
    expect(meta.traceId).toBeNull();
  });
});
