import "server-only";
import Link from "next/link";
import type { TenantScope } from "@/db/tenant-scope";
import { isTransientDatabaseError } from "@/db/errors";
import { CursorError, searchTraces } from "@/lib/traces/search/search";
import { serializeSearch, type SearchFilters } from "@/lib/traces/search/search-params";
import { CompareSelection } from "@/components/compare/compare-selection";
import { ErrorAlert } from "@/components/shell/error-alert";
import { ResultsTable } from "./results-table";

/** One page of results: the table and the links to the first and next page. */
export async function SearchResults({ scope, filters }: { scope: TenantScope; filters: SearchFilters }) {
  let result;
  try {
    result = await searchTraces(scope, filters);
  } catch (error) {
    if (error instanceof CursorError) return <ErrorAlert>{error.message}</ErrorAlert>;
    if (isTransientDatabaseError(error)) return <ErrorAlert>The database is unavailable; try again shortly.</ErrorAlert>;
    throw error;
  }
  const { traces, nextCursor } = result;
  if (traces.length === 0) {
    return (
      <p className="text-zinc-500" data-testid="no-results">
        {filters.cursor ? "No more traces." : "No traces match these filters in the chosen time range (within your tenants' retention)."}
      </p>
    );
  }
  return (
    <>
      <CompareSelection>
        <ResultsTable traces={traces} filters={filters} />
      </CompareSelection>
      <nav className="mt-3 flex gap-4 text-sm" aria-label="Pages">
        {filters.cursor && (
          <Link href={`/traces?${serializeSearch({ ...filters, cursor: undefined })}`} prefetch={false} className="underline">
            First page
          </Link>
        )}
        {nextCursor && (
          <Link href={`/traces?${serializeSearch({ ...filters, cursor: nextCursor })}`} prefetch={false} className="underline">
            Next page →
          </Link>
        )}
      </nav>
    </>
  );
}
