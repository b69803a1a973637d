import type { Metadata } from "next";
import { getSql } from "@/db/client";
import { listTenants } from "@/lib/admin/overview";
import { queryAuditLog } from "@/lib/audit/query";
import { auditCursorParam, auditFilterParams, auditFiltersToParams, auditFiltersToSearch } from "@/lib/audit/query-params";
import { Time } from "@/components/preferences/time-zone";
import { reviewStatus } from "@/lib/audit/review";
import { pendingRevocations } from "@/lib/audit/revocations";
import { quarterOf } from "@/lib/audit/review-period";
import { privilegedAccessSummary } from "@/lib/audit/summary";
import { pageAccess } from "@/lib/auth/guard";
import { describeIssues } from "@/lib/http/api-route";
import { AccessSummaryTable } from "@/components/audit/access-summary-table";
import { AuditFilters } from "@/components/audit/audit-filters";
import { AuditTable } from "@/components/audit/audit-table";
import { ChainStatus } from "@/components/audit/chain-status";
import { PendingRevocations } from "@/components/audit/pending-revocations";
import { ReviewList } from "@/components/audit/review-list";
import { PageHeader } from "@/components/shell/page-header";

export const metadata: Metadata = { title: "Audit" };

type SearchParams = Record<string, string | string[] | undefined>;

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const raw = await searchParams;
  const filters = auditFilterParams.safeParse(raw);
  const cursor = auditCursorParam.safeParse(raw.cursor);
  const problem = !filters.success ? describeIssues(filters.error) : !cursor.success ? `cursor: ${describeIssues(cursor.error)}` : null;
  const access = await pageAccess("audit:read", {
    audit: "audit.view",
    resource: "/audit",
    details: filters.success && cursor.success ? { filters: auditFiltersToParams(filters.data), cursor: cursor.data ?? null } : { rejected: "invalid input", problem },
  });

  const sql = getSql();
  const [tenants, subjects, pending] = await Promise.all([listTenants(), reviewStatus(sql), pendingRevocations(sql)]);
  const tenantOptions = tenants.map((t) => ({ id: t.id, name: t.name }));
  const filterBar = <AuditFilters tenants={tenantOptions} users={subjects.map((s) => s.email)} />;

  let listing: React.ReactNode;
  if (!filters.success || !cursor.success) {
    listing = (
      <p role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
        These filters cannot be used: {problem}
      </p>
    );
  } else {
    const f = filters.data;
    const [page, summary] = await Promise.all([queryAuditLog(sql, f, cursor.data), privilegedAccessSummary(sql, f)]);
    listing = (
      <>
        <section className="mb-8">
          <PageHeader title="Privileged access by user">
            <span className="text-xs text-zinc-500">
              <Time at={f.range.from} precision="millisecond" /> – <Time at={f.range.to} precision="millisecond" />; action and outcome filters do not apply here
            </span>
          </PageHeader>
          <AccessSummaryTable rows={summary} hrefForUser={(email) => `/audit?${auditFiltersToSearch({ ...f, user: email })}`} />
        </section>
        <section className="mb-8">
          <PageHeader title="Audit log">
            <a href={`/api/audit/export?${auditFiltersToSearch(f)}`} download className="underline" data-testid="export-csv">
              Export CSV
            </a>
          </PageHeader>
          <AuditTable
            rows={page.rows}
            nextHref={page.nextCursor ? `/audit?${auditFiltersToSearch(f, { cursor: String(page.nextCursor) })}` : null}
            firstHref={cursor.data ? `/audit?${auditFiltersToSearch(f)}` : null}
          />
        </section>
      </>
    );
  }

  return (
    <>
      <PageHeader title="Access review">
        <ChainStatus />
      </PageHeader>
      {filterBar}
      {listing}
      <section>
        <PageHeader title="Periodic review" />
        <h3 className="mb-1 text-sm font-medium">Revocations waiting for an admin</h3>
        <PendingRevocations pending={pending} viewerId={access.user.id} viewerIsAdmin={access.user.role === "admin"} />
        <ReviewList subjects={subjects} reviewerId={access.user.id} quarter={quarterOf(new Date()).label} />
      </section>
    </>
  );
}
