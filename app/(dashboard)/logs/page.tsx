import type { Metadata } from "next";
import Link from "next/link";
import { isTransientDatabaseError } from "@/db/errors";
import { pageAccess } from "@/lib/auth/guard";
import { hrefWithout, parseLeniently } from "@/lib/http/lenient-params";
import { logsDetails, logsParams, logsQuery, serializeLogs } from "@/lib/logs/logs-params";
import { logsInWindow } from "@/lib/logs/read";
import { tenantsInScope } from "@/lib/tenants/in-scope";
import { InvalidParams } from "@/components/filters/invalid-params";
import { LogsFilters } from "@/components/logs/logs-filters";
import { LogsTable } from "@/components/logs/logs-table";
import { ErrorAlert } from "@/components/shell/error-alert";
import { PageHeader } from "@/components/shell/page-header";

export const metadata: Metadata = { title: "Logs" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function LogsPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = await searchParams;
  // Invalid parameters are left out and listed; the page shows what the valid rest asks for.
  const { data, problems, dropped } = parseLeniently(logsParams, raw);
  const filters = data ?? logsParams.parse({});
  const access = await pageAccess("traces:read", {
    audit: "logs.search",
    resource: "/logs",
    tenants: filters.tenant,
    details: problems.length ? { ...logsDetails(filters), ignored: problems } : logsDetails(filters),
  });
  const tenants = await tenantsInScope(access.scope);
  let page;
  try {
    page = await logsInWindow(access.scope, logsQuery(access.scope, filters));
  } catch (error) {
    if (!isTransientDatabaseError(error)) throw error;
  }
  return (
    <>
      <PageHeader title="Logs" />
      <InvalidParams problems={problems} clearHref={hrefWithout("/logs", raw, dropped)} />
      <LogsFilters tenants={tenants} />
      {!page ? (
        <ErrorAlert>The database is unavailable; try again shortly.</ErrorAlert>
      ) : page.lines.length === 0 ? (
        <p className="text-zinc-500" data-testid="no-logs">
          {filters.cursor ? "No more log lines." : "No log lines match these filters in the chosen time range."}
        </p>
      ) : (
        <>
          <LogsTable lines={page.lines} />
          <nav className="mt-3 flex gap-4 text-sm" aria-label="Pages">
            {filters.cursor && (
              <Link href={`/logs?${serializeLogs({ ...filters, cursor: undefined })}`} prefetch={false} className="underline">
                First page
              </Link>
            )}
            {page.next && (
              <Link href={`/logs?${serializeLogs({ ...filters, cursor: page.next })}`} prefetch={false} className="underline">
                Next page →
              </Link>
            )}
          </nav>
        </>
      )}
    </>
  );
}
