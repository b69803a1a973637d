import { apiRoute, jsonError } from "@/lib/http/api-route";
import { loadSpanPage } from "@/lib/traces/spans-page";
import { spanPageQuery, traceAccess, traceParams } from "@/lib/traces/trace-route-params";

export const dynamic = "force-dynamic";

/** One page of the trace's spans in the waterfall's compact form; `next` is the following page's cursor. */
export const GET = apiRoute(
  {
    route: "/api/traces/[traceId]/spans",
    action: "traces:read",
    query: spanPageQuery,
    params: traceParams,
    audit: "trace.spans",
    access: (q, p) => traceAccess("trace.spans", p.traceId, q.tenant, { cursor: q.cursor ?? null }),
  },
  async ({ query, params, scope }) => {
    const page = await loadSpanPage(scope, { traceId: params.traceId, tenant: query.tenant, cursor: query.cursor, limit: query.limit });
    return page ? Response.json(page, { headers: { "cache-control": "no-store" } }) : jsonError(404, "trace not found");
  },
);
