import { apiRoute } from "@/lib/http/api-route";
import { jsonError } from "@/lib/http/responses";
import { loadSpanDetail } from "@/lib/traces/trace/trace-span";
import { spanParams, tenantQuery, traceAccess } from "@/lib/traces/trace/trace-route-params";

export const dynamic = "force-dynamic";

/** One span in full: attributes, resource, events, links, status, and the trace's jobs and events. */
export const GET = apiRoute(
  {
    route: "/api/traces/[traceId]/spans/[spanId]",
    action: "traces:read",
    query: tenantQuery,
    params: spanParams,
    audit: "trace.span",
    access: (q, p) => traceAccess("trace.span", p.traceId, q.tenant, { spanId: p.spanId }),
  },
  async ({ query, params, scope }) => {
    const span = await loadSpanDetail(scope, { traceId: params.traceId, tenant: query.tenant, spanId: params.spanId });
    return span ? Response.json(span, { headers: { "cache-control": "no-store" } }) : jsonError(404, "span not found");
  },
);
