import type { Metadata } from "next";
import { getSql } from "@/lib/db/client";
import { listTenants } from "@/lib/admin/overview";
import { queryAuditLog } from "@/lib/audit/query";
import { auditCursorParam, auditFilterParams, auditFiltersToParams, auditFiltersToSearch } from "@/lib/audit/audit-params";
import { Time } from "@/components/preferences/time-zone";
import { reviewStatus } from "@/lib/audit/review";
import { pendingRevocations } from "@/lib/audit/revocations";
import { quarterOf } from "@/lib/audit/review-period";
import { privilegedAccessSummary } from "@/lib/audit/summary";
import { pageAccess } from "@/lib/auth/guard";
import { describeIssues } from "@/lib/http/api-route";
import { hrefWithout, parseLeniently } from "@/lib/http/lenient-params";
import { AccessSummaryTable } from "@/components/audit/access-summary-table";
import { AuditFilters } from "@/components/audit/audit-filters";
import { AuditTable } from "@/components/audit/audit-table";
import { InvalidParams } from "@/components/filters/invalid-params";
import { ChainStatus } from "@/components/audit/chain-status";
import { PendingRevocations } from "@/components/audit/pending-revocations";
import { ReviewList } from "@/components/audit/review-list";
import { PageHeader } from "@/components/shell/page-header";

export const metadata: Metadata = { title: "Audit" };

type SearchParams = Record<string, string | string[] | undefined>;

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const raw = await searchParams;
  // Invalid filters are left out and listed; the log shows what the valid rest asks for.
  const lenient = parseLeniently(auditFilterParams, raw);
  const cursor = auditCursorParam.safeParse(raw.cursor);
  const problems = cursor.success ? lenient.problems : [...lenient.problems, `cursor: ${describeIssues(cursor.error)}`];
  const dropped = cursor.success ? lenient.dropped : [...lenient.dropped, "cursor"];
  const f = lenient.data;
  const access = await pageAccess("audit:read", {
    audit: "audit.view",
    resource: "/audit",
    details: f
      ? { filters: auditFiltersToParams(f), cursor: cursor.data ?? null, ...(problems.length ? { ignored: problems } : {}) }
      : { rejected: "invalid input", problem: problems.join("; ") },
  });

  const sql = getSql();
  const [tenants, subjects, pending] = await Promise.all([listTenants(), reviewStatus(sql), pendingRevocations(sql)]);
  const tenantOptions = tenants.map((t) => ({ id: t.id, name: t.name }));
  const filterBar = <AuditFilters tenants={tenantOptions} users={subjects.map((s) => s.email)} />;

  let listing: React.ReactNode = null;
  if (f) {
    const after = cursor.success ? cursor.data : undefined;
    const [page, summary] = await Promise.all([queryAuditLog(sql, f, after), privilegedAccessSummary(sql, f)]);
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
            firstHref={after ? `/audit?${auditFiltersToSearch(f)}` : null}
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
      <InvalidParams problems={problems} clearHref={hrefWithout("/audit", raw, dropped)} usable={f !== null} />
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
