import type { Metadata } from "next";
import { pageAccess } from "@/lib/auth/guard";
import { hrefWithout, keptParams, parseLeniently } from "@/lib/http/lenient-params";
import { auditDetails, latencyFilters, latencyRequest, requestedTenants } from "@/lib/latency/latency-params";
import { latencyOptions, latencyReport } from "@/lib/latency/report";
import { autoStep } from "@/lib/latency/step";
import { tenantsInScope } from "@/lib/tenants/in-scope";
import { InvalidParams } from "@/components/filters/invalid-params";
import { readPreferences } from "@/lib/preferences/server";
import { LatencyView } from "@/components/latency/latency-view";
import { PageHeader } from "@/components/shell/page-header";

export const metadata: Metadata = { title: "Latency" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function LatencyPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = await searchParams;
  // Invalid parameters are left out and listed; the page charts what the valid rest asks for.
  const { data, problems, dropped } = parseLeniently(latencyRequest, raw);
  const filters = data ?? latencyFilters({});
  const query = keptParams(raw, dropped);

  const access = await pageAccess("traces:read", {
    audit: "latency.query",
    resource: "/latency",
    tenants: requestedTenants(filters),
    details: problems.length ? { ...auditDetails(filters), ignored: problems } : auditDetails(filters),
  });
  const [tenants, operations, report, preferences] = await Promise.all([tenantsInScope(access.scope), latencyOptions(access.scope, filters), latencyReport(access.scope, filters), readPreferences()]);
  return (
    <>
      <PageHeader title="Latency" />
      <InvalidParams problems={problems} clearHref={hrefWithout("/latency", raw, dropped)} />
      <LatencyView
        report={report}
        tenants={tenants}
        operations={operations}
        filters={filters}
        autoStep={autoStep(filters.range.to.getTime() - filters.range.from.getTime())}
        query={query}
        zone={preferences.timeZone.zone}
      />
    </>
  );
}
