import { apiRoute } from "@/lib/http/api-route";
import { jsonError } from "@/lib/http/responses";
import { TimeRangeError } from "@/lib/filters/time-range";
import { auditDetails, latencyFilters, latencyParams, requestedTenants } from "@/lib/latency/latency-params";
import { latencyReport } from "@/lib/latency/report";

export const dynamic = "force-dynamic";

/** GET /api/latency?range=24h&tenant=acme&service=…&operation=…&step=15m: the /latency report as JSON. */
export const GET = apiRoute(
  {
    route: "/api/latency",
    action: "traces:read",
    query: latencyParams,
    audit: "latency.query",
    access: (q) => {
      try {
        const f = latencyFilters(q);
        return { audit: "latency.query", resource: "/api/latency", tenants: requestedTenants(f), details: auditDetails(f) };
      } catch (error) {
        if (!(error instanceof TimeRangeError)) throw error;
        return { audit: "latency.query", resource: "/api/latency", details: { rejected: "invalid input", problem: error.message } };
      }
    },
  },
  async ({ query, scope }) => {
    let filters;
    try {
      filters = latencyFilters(query);
    } catch (error) {
      if (error instanceof TimeRangeError) return jsonError(400, error.message);
      throw error;
    }
    return Response.json(await latencyReport(scope, filters), { headers: { "cache-control": "no-store" } });
  },
);
