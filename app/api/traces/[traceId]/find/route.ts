import { apiRoute } from "@/lib/http/api-route";
import { jsonError } from "@/lib/http/responses";
import { findSpans } from "@/lib/traces/trace/trace-find";
import { findQuery, traceAccess, traceParams } from "@/lib/traces/trace/trace-route-params";

export const dynamic = "force-dynamic";

/** Ids of the trace's spans whose attribute values or status message contain `q`. */
export const GET = apiRoute(
  {
    route: "/api/traces/[traceId]/find",
    action: "traces:read",
    query: findQuery,
    params: traceParams,
    audit: "trace.find",
    access: (q, p) => traceAccess("trace.find", p.traceId, q.tenant, { q: q.q }),
  },
  async ({ query, params, scope }) => {
    const ids = await findSpans(scope, { traceId: params.traceId, tenant: query.tenant, text: query.q });
    return ids ? Response.json({ ids }, { headers: { "cache-control": "no-store" } }) : jsonError(404, "trace not found");
  },
);
