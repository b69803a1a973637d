import type { Metadata } from "next";
import { Suspense } from "react";
import { getSql } from "@/lib/db/client";
import { pageAccess } from "@/lib/auth/guard";
import { listSavedQueries } from "@/lib/saved-queries/store";
import { tenantsInScope } from "@/lib/tenants/in-scope";
import { hrefWithout } from "@/lib/http/lenient-params";
import { parseSearchLeniently, searchDetails, serializeSearch, type RawSearchParams } from "@/lib/traces/search/search-params";
import { InvalidParams } from "@/components/filters/invalid-params";
import { PageHeader } from "@/components/shell/page-header";
import { SavedQueries } from "@/components/search/saved-queries";
import { SearchForm } from "@/components/search/search-form";
import { SearchResults } from "@/components/search/search-results";
import { SearchScatter } from "@/components/search/search-scatter";
import { ShareLink } from "@/components/search/share-link";

export const metadata: Metadata = { title: "Traces" };

export default async function TracesPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const raw = await searchParams;
  // Invalid parameters are left out and listed; the search runs on the valid rest.
  const { data: filters, problems, dropped } = parseSearchLeniently(raw);
  const access = await pageAccess("traces:read", {
    audit: "trace.search",
    resource: "/traces",
    tenants: filters?.tenant,
    details: filters
      ? { ...searchDetails(filters), ...(problems.length ? { ignored: problems } : {}) }
      : { rejected: "invalid input", problem: problems.join("; ") },
  });
  const [tenants, saved] = await Promise.all([tenantsInScope(access.scope), listSavedQueries(getSql(), access.user.id)]);
  const key = filters ? serializeSearch(filters).toString() : "invalid";
  // The scatter plots every match whatever the page: paging or re-sorting keeps it.
  const scatterKey = filters ? serializeSearch({ ...filters, cursor: undefined, sort: undefined, dir: undefined, limit: undefined }).toString() : "invalid";
  return (
    <>
      <PageHeader title="Traces">
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <ShareLink />
          <SavedQueries queries={saved} />
        </div>
      </PageHeader>
      <SearchForm tenants={tenants} />
      <InvalidParams problems={problems} clearHref={hrefWithout("/traces", raw, dropped)} usable={filters !== null} />
      {filters && (
        <>
          <Suspense key={scatterKey} fallback={<p className="mb-4 text-xs text-zinc-500" data-testid="plotting">Plotting every match…</p>}>
            <SearchScatter scope={access.scope} filters={filters} />
          </Suspense>
          <Suspense key={key} fallback={<p className="text-zinc-500" data-testid="searching">Searching…</p>}>
            <SearchResults scope={access.scope} filters={filters} />
          </Suspense>
        </>
      )}
    </>
  );
}
