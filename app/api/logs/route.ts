import { apiRoute } from "@/lib/http/api-route";
import { logsDetails, logsParams, logsQuery } from "@/lib/logs/logs-params";
import { logsInWindow } from "@/lib/logs/read";

export const dynamic = "force-dynamic";

/** GET /api/logs?tenant=acme&range=1h&level=error&text=deadlock&cursor=…: the /logs page as JSON, one audit row per call. */
export const GET = apiRoute(
  {
    route: "/api/logs",
    action: "traces:read",
    query: logsParams,
    audit: "logs.search",
    access: (q) => ({ audit: "logs.search", resource: "/api/logs", tenants: q.tenant, details: logsDetails(q) }),
  },
  async ({ query, scope }) => Response.json(await logsInWindow(scope, logsQuery(scope, query)), { headers: { "cache-control": "no-store" } }),
);
