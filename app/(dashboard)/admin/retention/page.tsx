import type { Metadata } from "next";
import { getSql } from "@/lib/db/client";
import { pageAccess } from "@/lib/auth/guard";
import { recentRuns } from "@/lib/retention/runs";
import { listTenantRetention } from "@/lib/retention/settings";
import { PageHeader } from "@/components/shell/page-header";
import { RunHistory } from "@/components/retention/run-history";
import { RunNowButton } from "@/components/retention/run-now-button";
import { TenantRetentionForm } from "@/components/retention/tenant-retention-form";
import { runNowAction, updateRetentionAction } from "@/lib/retention/actions";

export const metadata: Metadata = { title: "Retention" };
export const dynamic = "force-dynamic";

export default async function RetentionPage() {
  await pageAccess("admin", { audit: "admin.retention.view", resource: "/admin/retention" });
  const [tenants, runs] = await Promise.all([listTenantRetention(getSql()), recentRuns(getSql())]);
  return (
    <div className="space-y-8">
      <section>
        <PageHeader title="Retention per tenant (ADR-010)">
          <span className="text-xs text-zinc-500">standard 1–90 days · kept traces from standard to 180 days · audit log 400 days</span>
        </PageHeader>
        <div className="space-y-2" data-testid="retention-tenants">
          {tenants.map((t) => (
            <TenantRetentionForm key={t.id} tenant={t} action={updateRetentionAction} />
          ))}
        </div>
      </section>
      <section>
        <PageHeader title="Purge runs">
          <RunNowButton action={runNowAction} />
        </PageHeader>
        <RunHistory runs={runs} />
      </section>
    </div>
  );
}
