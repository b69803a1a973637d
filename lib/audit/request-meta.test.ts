import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PEER_ADDRESS_HEADER } from "@/lib/security/client-address";
import { requestMetaFrom } from "./request-meta";

const PEER = "198.51.100.7";

beforeEach(() => {
  process.env.TE_PEER_ADDRESS_HEADER = PEER_ADDRESS_HEADER;
});
afterEach(() => {
  delete process.env.TE_PEER_ADDRESS_HEADER;
  delete process.env.TRUSTED_PROXIES;
});

describe("requestMetaFrom", () => {
  it("takes the socket address, the agent and valid ids; a client's request id only as its own field", () => {
    const meta = requestMetaFrom(
      new Headers({
        [PEER_ADDRESS_HEADER]: PEER,
        "x-forwarded-for": "203.0.113.9, 10.0.0.1",
        "user-agent": "curl/8",
        "x-request-id": "req-abcdef123",
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      }),
    );
    // Outside a route handler's scope (pages, server actions) x-request-id is the one proxy.ts
    // wrote over the client's; the route-handler case is in request-id.test.ts.
    expect(meta).toEqual({
      ip: PEER,
      userAgent: "curl/8",
      requestId: "req-abcdef123",
      clientRequestId: null,
      traceId: "0af7651916cd43dd8448eb211c80319c",
    });
  });

  it("keeps the id proxy.ts set as the request's and the client's apart", () => {
    const meta = requestMetaFrom(new Headers({ "x-request-id": "server-own-1", "x-client-request-id": "victims-request-9" }));
    expect(meta).toMatchObject({ requestId: "server-own-1", clientRequestId: "victims-request-9" });
  });

  it.each(["=1+1", "<svg onload=alert(1)>", "203.0.113.9"])("ignores a forged X-Forwarded-For (%s) without trusted proxies", (xff) => {
    expect(requestMetaFrom(new Headers({ [PEER_ADDRESS_HEADER]: PEER, "x-forwarded-for": xff })).ip).toBe(PEER);
  });

  it("uses the right-most untrusted hop behind a trusted proxy", () => {
    process.env.TRUSTED_PROXIES = PEER;
    const meta = requestMetaFrom(new Headers({ [PEER_ADDRESS_HEADER]: PEER, "x-forwarded-for": "=1+1, 203.0.113.9" }));
    expect(meta.ip).toBe("203.0.113.9");
  });

  it("does not believe the peer header unless the app's own server wrote it", () => {
    delete process.env.TE_PEER_ADDRESS_HEADER;
    expect(requestMetaFrom(new Headers({ [PEER_ADDRESS_HEADER]: "203.0.113.9" })).ip).toBeNull();
  });

  it("drops ids in the wrong shape instead of storing them", () => {
    // Headers refuses CR/LF itself; a raw header source may not.
    const raw: Record<string, string> = { "x-request-id": "x\r\ny", traceparent: "garbage" };
    const meta = requestMetaFrom({ get: (name) => raw[name] ?? null });
    expect(meta.requestId).toBeNull();
    expect(meta.traceId).toBeNull();
  });
});
