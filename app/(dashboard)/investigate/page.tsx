import type { Metadata } from "next";
import { pageAccess } from "@/lib/auth/guard";
import { investigate } from "@/lib/investigate/run";
import { hrefWithout, keptParams } from "@/lib/http/lenient-params";
import { auditDetails, defaultPreset, parseInvestigateLeniently, RETRY_THRESHOLD } from "@/lib/investigate/investigate-params";
import { readPreferences } from "@/lib/preferences/server";
import { tenantsInScope } from "@/lib/tenants/in-scope";
import { InvalidParams } from "@/components/filters/invalid-params";
import { FiltersPending } from "@/components/shell/navigation-progress";
import { TenantSelect } from "@/components/filters/tenant-select";
import { TimeRangePicker } from "@/components/filters/time-range-picker";
import { ErrorsView } from "@/components/investigate/errors-view";
import { LineageView } from "@/components/investigate/lineage-view";
import { ParamInput } from "@/components/investigate/param-input";
import { RankSelect } from "@/components/investigate/rank-select";
import { RetriesView } from "@/components/investigate/retries-view";
import { SlowView } from "@/components/investigate/slow-view";
import { questionOf, ViewTabs } from "@/components/investigate/view-tabs";
import { PageHeader } from "@/components/shell/page-header";

export const metadata: Metadata = { title: "Investigate" };

type SearchParams = Record<string, string | string[] | undefined>;

/** The filters every tab shares (tenants and time range), carried over when switching tabs. */
function sharedParams(raw: SearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const key of ["tenant", "range", "from", "to"]) {
    const value = raw[key];
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) out.append(key, v);
  }
  return out;
}

export default async function InvestigatePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const raw = await searchParams;
  // Invalid parameters are left out and listed; the view answers what the valid rest asks.
  const { parsed, problems, dropped } = parseInvestigateLeniently(raw);
  const kept = keptParams(raw, dropped);
  const view = parsed.ok ? parsed.filters.view : parsed.view;
  const access = await pageAccess("traces:read", {
    audit: `investigate.${view}`,
    resource: "/investigate",
    // No tenant picked: the gate records the caller's whole scope.
    tenants: parsed.ok && parsed.filters.tenants.length > 0 ? parsed.filters.tenants : undefined,
    details: parsed.ok
      ? { ...auditDetails(parsed.filters), ...(problems.length ? { ignored: problems } : {}) }
      : { view, rejected: "invalid input", problem: problems.join("; ") },
  });
  const [tenants, result, preferences] = await Promise.all([tenantsInScope(access.scope), parsed.ok ? investigate(access.scope, parsed.filters) : null, readPreferences()]);
  const key = (name: string) => `${view}:${name}:${String(raw[name] ?? "")}`;

  return (
    <>
      <PageHeader title="Investigate">
        <span className="text-zinc-500">{questionOf(view)}</span>
      </PageHeader>
      <ViewTabs current={view} shared={sharedParams(kept)} />
      <div className="mb-4 flex flex-wrap items-center gap-3">
        <TimeRangePicker key={key("range")} defaultPreset={defaultPreset(view)} />
        <TenantSelect tenants={tenants} />
        {view === "errors" && <ParamInput key={key("q")} name="q" label="Error contains" placeholder="type or message" />}
        {view === "retries" && <ParamInput key={key("n")} name="n" type="number" width="w-20" label={`Ran more than (${RETRY_THRESHOLD.min}–${RETRY_THRESHOLD.max}) times`} fallback={String(RETRY_THRESHOLD.default)} />}
        {view === "slow" && <RankSelect key={key("rank")} rank={parsed.ok ? parsed.filters.rank : "request"} />}
        {view === "lineage" && <ParamInput key={key("id")} name="id" label="Job, event or request id" placeholder="job_…, evt_… or req_…" width="w-72" button="Find" />}
        <FiltersPending />
      </div>
      <InvalidParams problems={problems} clearHref={hrefWithout("/investigate", raw, dropped)} usable={parsed.ok} />
      {result?.view === "errors" && <ErrorsView tenants={result.tenants} />}
      {result?.view === "retries" && parsed.ok && <RetriesView loops={result.loops} n={parsed.filters.n} zone={preferences.timeZone.zone} />}
      {result?.view === "slow" && parsed.ok && <SlowView requests={result.requests} rank={parsed.filters.rank} />}
      {result?.view === "lineage" && parsed.ok && <LineageView traces={result.traces} id={parsed.filters.id} />}
    </>
  );
}
