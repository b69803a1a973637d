import { apiRoute } from "@/lib/http/api-route";
import { jsonError } from "@/lib/http/responses";
import { loadTraceHeader } from "@/lib/traces/trace/trace-header";
import { tenantQuery, traceAccess, traceParams } from "@/lib/traces/trace/trace-route-params";

export const dynamic = "force-dynamic";

/** The trace's summary; 404 alike for a trace that does not exist, is expired or is another tenant's. */
export const GET = apiRoute(
  {
    route: "/api/traces/[traceId]",
    action: "traces:read",
    query: tenantQuery,
    params: traceParams,
    audit: "trace.view",
    access: (q, p) => traceAccess("trace.view", p.traceId, q.tenant),
  },
  async ({ query, params, scope }) => {
    const header = await loadTraceHeader(scope, params.traceId, query.tenant);
    return header ? Response.json(header, { headers: { "cache-control": "no-store" } }) : jsonError(404, "trace not found");
  },
);
