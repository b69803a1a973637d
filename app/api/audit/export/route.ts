import { getSql } from "@/lib/db/client";
import { auditCsvStream } from "@/lib/audit/csv-export";
import { auditFilterParams, auditFiltersToParams } from "@/lib/audit/audit-params";
import { apiRoute } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

/** The access review's rows under the current filters, as a CSV download. */
export const GET = apiRoute(
  {
    route: "/api/audit/export",
    action: "audit:read",
    query: auditFilterParams,
    // Tenants go in the details, not the gate's tenant list: an auditor's scope holds no
    // tenant, yet the whole log is theirs to read.
    access: (filters) => ({ audit: "audit.export", resource: "/api/audit/export", details: { filters: auditFiltersToParams(filters) } }),
    audit: "audit.export",
  },
  async ({ query }) => {
    const body = await auditCsvStream(getSql(), query);
    const stamp = new Date().toISOString().slice(0, 19).replaceAll(":", "");
    return new Response(body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="audit-${stamp}Z.csv"`,
        "cache-control": "no-store",
      },
    });
  },
);
