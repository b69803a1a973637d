import type { Metadata } from "next";
import { Suspense } from "react";
import { getSql } from "@/db/client";
import { pageAccess } from "@/lib/auth/guard";
import { listSavedQueries } from "@/lib/saved-queries/store";
import { tenantsInScope } from "@/lib/tenants/in-scope";
import { parseSearch, searchDetails, serializeSearch, type RawSearchParams } from "@/lib/traces/search-params";
import { ErrorAlert } from "@/components/shell/error-alert";
import { PageHeader } from "@/components/shell/page-header";
import { SavedQueries } from "@/components/search/saved-queries";
import { SearchForm } from "@/components/search/search-form";
import { SearchResults } from "@/components/search/search-results";
import { SearchScatter } from "@/components/search/search-scatter";
import { ShareLink } from "@/components/search/share-link";

export const metadata: Metadata = { title: "Traces" };

export default async function TracesPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const parsed = parseSearch(await searchParams);
  const access = await pageAccess("traces:read", {
    audit: "trace.search",
    resource: "/traces",
    tenants: parsed.ok ? parsed.filters.tenant : undefined,
    details: parsed.ok ? searchDetails(parsed.filters) : { rejected: "invalid input", problem: parsed.message },
  });
  const [tenants, saved] = await Promise.all([tenantsInScope(access.scope), listSavedQueries(getSql(), access.user.id)]);
  const key = parsed.ok ? serializeSearch(parsed.filters).toString() : "invalid";
  // The scatter plots every match whatever the page: paging or re-sorting keeps it.
  const scatterKey = parsed.ok ? serializeSearch({ ...parsed.filters, cursor: undefined, sort: undefined, dir: undefined, limit: undefined }).toString() : "invalid";
  return (
    <>
      <PageHeader title="Traces">
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <ShareLink />
          <SavedQueries queries={saved} />
        </div>
      </PageHeader>
      <SearchForm tenants={tenants} />
      {parsed.ok ? (
        <>
          <Suspense key={scatterKey} fallback={<p className="mb-4 text-xs text-zinc-500" data-testid="plotting">Plotting every match…</p>}>
            <SearchScatter scope={access.scope} filters={parsed.filters} />
          </Suspense>
          <Suspense key={key} fallback={<p className="text-zinc-500" data-testid="searching">Searching…</p>}>
            <SearchResults scope={access.scope} filters={parsed.filters} />
          </Suspense>
        </>
      ) : (
        <ErrorAlert>{parsed.message}</ErrorAlert>
      )}
    </>
  );
}
