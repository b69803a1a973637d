import type { Metadata } from "next";
import { pageAccess } from "@/lib/auth/guard";
import { getSql } from "@/lib/db/client";
import { listTenants } from "@/lib/admin/overview";
import { recentIsolationViolations } from "@/lib/admin/isolation-log";
import { redactionsByTenant } from "@/lib/admin/redactions";
import { AdminHeader } from "@/components/admin/admin-header";
import { IsolationLogTable } from "@/components/admin/isolation-log-table";
import { td, th } from "@/components/admin/styles";

export const metadata: Metadata = { title: "Tenants" };

const REDACTION_DAYS = 30;

export default async function TenantsPage() {
  await pageAccess("admin", { audit: "admin.view", resource: "/admin/tenants" });
  const [tenants, violations, redactions] = await Promise.all([
    listTenants(),
    recentIsolationViolations(getSql()),
    redactionsByTenant(getSql(), REDACTION_DAYS),
  ]);
  return (
    <>
      <AdminHeader title="Tenants" />
      <table className="border-collapse" data-testid="tenants-table">
        <thead>
          <tr className="border-b border-zinc-200 dark:border-zinc-800">
            <th className={th}>Tenant</th>
            <th className={th}>Standard retention</th>
            <th className={th}>Kept-trace retention</th>
            <th className={th}>Slow threshold</th>
            <th className={th}>Keep ratio</th>
            <th className={th}>Legal hold</th>
            <th className={th}>Redactions by rule ({REDACTION_DAYS} days)</th>
          </tr>
        </thead>
        <tbody>
          {tenants.map((t) => (
            <tr key={t.id} className="border-b border-zinc-100 dark:border-zinc-900">
              <td className={td}>
                {t.name} <span className="text-zinc-500">({t.id})</span>
              </td>
              <td className={td}>{t.retentionDays} days</td>
              <td className={td}>{t.keptRetentionDays} days</td>
              <td className={td}>{t.slowThresholdMs} ms</td>
              <td className={td}>{t.keepRatio}</td>
              <td className={td}>{t.legalHold ? "On" : "Off"}</td>
              <td className={td} data-testid={`redactions-${t.id}`}>
                {(redactions.get(t.id) ?? []).map((r) => `${r.rule} ${r.count.toLocaleString("en")}`).join(" · ") || "none"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2 className="mt-8 mb-2 font-semibold">Isolation log</h2>
      <p className="mb-2 max-w-3xl text-zinc-600 dark:text-zinc-400">
        Writes across tenants, newest first. A trace is a tenant and an id: a tenant that sends spans with another tenant&apos;s
        trace id gets its own trace and an ordinary answer; only this log records it.
      </p>
      <IsolationLogTable rows={violations} />
    </>
  );
}
