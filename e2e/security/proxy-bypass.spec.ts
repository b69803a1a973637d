import { expect, test } from "@playwright/test";

// CVE-2025-29927: a forged x-middleware-subrequest header once made Next skip middleware.
// Pages and route handlers here check the session themselves, so skipping the proxy must
// still end at the login page or a 401, never at data.
const BYPASS_HEADERS = [
  { "x-middleware-subrequest": "proxy:proxy:proxy:proxy:proxy" },
  { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" },
  { "x-middleware-subrequest": "src/middleware:src/middleware:src/middleware:src/middleware:src/middleware" },
];

for (const headers of BYPASS_HEADERS) {
  test(`signed-out requests with ${headers["x-middleware-subrequest"].split(":")[0]} get no data`, async ({ request }) => {
    for (const path of ["/traces", "/admin", "/audit", "/latency", "/investigate"]) {
      const response = await request.get(path, { headers, maxRedirects: 0 });
      expect(response.status(), path).toBe(307);
      expect(response.headers()["location"], path).toContain("/login");
      expect(await response.text(), path).not.toContain("trace-results");
    }
    const ingest = await request.post("/v1/traces", {
      headers: { ...headers, "content-type": "application/json" },
      data: { resourceSpans: [] },
    });
    expect(ingest.status()).toBe(401);
  });
}
