import { apiRoute } from "@/lib/http/api-route";
import { jsonError } from "@/lib/http/responses";
import { traceLogs, traceLogsDetails, traceLogsParams } from "@/lib/logs/trace-logs";
import { traceAccess, traceParams } from "@/lib/traces/trace/trace-route-params";

export const dynamic = "force-dynamic";

/** The trace's log records, oldest first, a page at a time (`after`), by span, lowest level and body text. */
export const GET = apiRoute(
  {
    route: "/api/traces/[traceId]/logs",
    action: "traces:read",
    query: traceLogsParams,
    params: traceParams,
    audit: "trace.logs",
    access: (q, p) => traceAccess("trace.logs", p.traceId, q.tenant, traceLogsDetails(q)),
  },
  async ({ query, params, scope }) => {
    const page = await traceLogs(scope, params.traceId, query);
    return page ? Response.json(page, { headers: { "cache-control": "no-store" } }) : jsonError(404, "trace not found");
  },
);
