import { apiRoute } from "@/lib/http/api-route";
import { jsonError } from "@/lib/http/responses";
import { spansResponse } from "@/lib/traces/trace/spans-stream";
import { loadTraceHeader } from "@/lib/traces/trace/trace-header";
import { refuseDownload } from "@/lib/traces/trace/transaction-stream";
import { spansQuery, traceAccess, traceParams } from "@/lib/traces/trace/trace-route-params";

export const dynamic = "force-dynamic";

/**
 * Every span of the trace in the waterfall's compact form, streamed as NDJSON (one chunk per
 * line), or with `format=binary` as the binary frames the waterfall reads (lib/waterfall/span-binary.ts).
 */
export const GET = apiRoute(
  {
    route: "/api/traces/[traceId]/spans",
    action: "traces:read",
    query: spansQuery,
    params: traceParams,
    audit: "trace.spans",
    refuse: refuseDownload,
    access: (q, p) => traceAccess("trace.spans", p.traceId, q.tenant),
  },
  async ({ query, params, scope, user }) => {
    const header = await loadTraceHeader(scope, params.traceId, query.tenant);
    return header ? await spansResponse(user.id, scope, header, query.format) : jsonError(404, "trace not found");
  },
);
