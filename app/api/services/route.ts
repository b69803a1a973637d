import { apiRoute } from "@/lib/http/api-route";
import { jsonError } from "@/lib/http/responses";
import { TimeRangeError } from "@/lib/filters/time-range";
import { serviceMap } from "@/lib/services/report";
import { serviceMapAudit, serviceMapFilters, serviceMapParams } from "@/lib/services/service-map-params";

export const dynamic = "force-dynamic";

/** GET /api/services?range=24h&tenant=acme: the /services map as JSON. */
export const GET = apiRoute(
  {
    route: "/api/services",
    action: "traces:read",
    query: serviceMapParams,
    audit: "services.map",
    access: (q) => {
      try {
        const f = serviceMapFilters(q);
        return { audit: "services.map", resource: "/api/services", tenants: f.tenants.length > 0 ? f.tenants : undefined, details: serviceMapAudit(f) };
      } catch (error) {
        if (!(error instanceof TimeRangeError)) throw error;
        return { audit: "services.map", resource: "/api/services", details: { rejected: "invalid input", problem: error.message } };
      }
    },
  },
  async ({ query, scope }) => {
    let filters;
    try {
      filters = serviceMapFilters(query);
    } catch (error) {
      if (error instanceof TimeRangeError) return jsonError(400, error.message);
      throw error;
    }
    return Response.json(await serviceMap(scope, filters), { headers: { "cache-control": "no-store" } });
  },
);
