import type { Metadata } from "next";
import { pageAccess } from "@/lib/auth/guard";
import { TimeRangeError } from "@/lib/filters/time-range";
import { describeIssues } from "@/lib/http/api-route";
import { auditDetails, latencyFilters, latencyParams, requestedTenants } from "@/lib/latency/params";
import { latencyOptions, latencyReport } from "@/lib/latency/report";
import { autoStep } from "@/lib/latency/step";
import { tenantsInScope } from "@/lib/tenants/in-scope";
import { readPreferences } from "@/lib/preferences/server";
import { LatencyView } from "@/components/latency/latency-view";
import { PageHeader } from "@/components/shell/page-header";

export const metadata: Metadata = { title: "Latency" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function LatencyPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = await searchParams;
  const parsed = latencyParams.safeParse(raw);
  let problem = parsed.success ? null : describeIssues(parsed.error);
  const filters = parsed.success ? safeFilters(parsed.data) : null;
  if (parsed.success && !filters) problem = "from must be before to, both given, at most 180 days apart";

  const access = await pageAccess("traces:read", {
    audit: "latency.query",
    resource: "/latency",
    tenants: filters ? requestedTenants(filters) : undefined,
    details: filters ? auditDetails(filters) : { rejected: "invalid input", problem },
  });
  if (!filters) {
    return (
      <p role="alert" className="text-red-700">
        Invalid filter: {problem}
      </p>
    );
  }
  const [tenants, operations, report, preferences] = await Promise.all([tenantsInScope(access.scope), latencyOptions(access.scope, filters), latencyReport(access.scope, filters), readPreferences()]);
  return (
    <>
      <PageHeader title="Latency" />
      <LatencyView
        report={report}
        tenants={tenants}
        operations={operations}
        filters={filters}
        autoStep={autoStep(filters.range.to.getTime() - filters.range.from.getTime())}
        query={raw}
        zone={preferences.timeZone.zone}
      />
    </>
  );
}

function safeFilters(params: Parameters<typeof latencyFilters>[0]) {
  try {
    return latencyFilters(params);
  } catch (error) {
    if (error instanceof TimeRangeError) return null;
    throw error;
  }
}
