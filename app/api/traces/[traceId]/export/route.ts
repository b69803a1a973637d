import { apiRoute } from "@/lib/http/api-route";
import { jsonError } from "@/lib/http/responses";
import { otlpExportResponse } from "@/lib/traces/trace/otlp-export-response";
import { loadTraceHeader } from "@/lib/traces/trace/trace-header";
import { refuseDownload } from "@/lib/traces/trace/transaction-stream";
import { tenantQuery, traceAccess, traceParams } from "@/lib/traces/trace/trace-route-params";

export const dynamic = "force-dynamic";

/** The trace as an OTLP/JSON file that POST /v1/traces takes back. */
export const GET = apiRoute(
  {
    route: "/api/traces/[traceId]/export",
    action: "traces:read",
    query: tenantQuery,
    params: traceParams,
    audit: "trace.export",
    refuse: refuseDownload,
    access: (q, p) => traceAccess("trace.export", p.traceId, q.tenant, { format: "otlp-json" }),
  },
  async ({ query, params, scope, user }) => {
    const header = await loadTraceHeader(scope, params.traceId, query.tenant);
    return header ? await otlpExportResponse(user.id, scope, header) : jsonError(404, "trace not found");
  },
);
