import type { Metadata } from "next";
import { pageAccess } from "@/lib/auth/guard";
import { listTenants, listUsers } from "@/lib/admin/overview";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { NoAccess } from "@/components/shell/no-access";
import { PageHeader } from "@/components/shell/page-header";

export const metadata: Metadata = { title: "Admin" };

const th = "py-1.5 pr-4 text-left text-xs font-medium text-zinc-500";
const td = "py-1 pr-4";

export default async function AdminPage() {
  const access = await pageAccess("admin", { audit: "admin.view", resource: "/admin" });
  if (!access.allowed) return <NoAccess what="administration" />;
  const [tenantRows, userRows] = await Promise.all([listTenants(), listUsers()]);
  return (
    <div className="space-y-8">
      <section>
        <PageHeader title="Tenants and retention" />
        <table className="border-collapse" data-testid="tenants-table">
          <thead>
            <tr className="border-b border-zinc-200 dark:border-zinc-800">
              <th className={th}>Tenant</th>
              <th className={th}>Standard retention</th>
              <th className={th}>Kept-trace retention</th>
              <th className={th}>Slow threshold</th>
              <th className={th}>Keep ratio</th>
              <th className={th}>Legal hold</th>
            </tr>
          </thead>
          <tbody>
            {tenantRows.map((t) => (
              <tr key={t.id} className="border-b border-zinc-100 dark:border-zinc-900">
                <td className={td}>
                  {t.name} <span className="text-zinc-500">({t.id})</span>
                </td>
                <td className={td}>{t.retentionDays} days</td>
                <td className={td}>{t.keptRetentionDays} days</td>
                <td className={td}>{t.slowThresholdMs} ms</td>
                <td className={td}>{t.keepRatio}</td>
                <td className={td}>{t.legalHold ? "On" : "Off"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section>
        <PageHeader title="Users" />
        <table className="border-collapse" data-testid="users-table">
          <thead>
            <tr className="border-b border-zinc-200 dark:border-zinc-800">
              <th className={th}>User</th>
              <th className={th}>Role</th>
              <th className={th}>Tenant scope</th>
              <th className={th}>Status</th>
            </tr>
          </thead>
          <tbody>
            {userRows.map((u) => (
              <tr key={u.id} className="border-b border-zinc-100 dark:border-zinc-900">
                <td className={td}>
                  {u.name} <span className="text-zinc-500">{u.email}</span>
                </td>
                <td className={td}>{u.role ? ROLE_LABELS[u.role] : "No role"}</td>
                <td className={td}>{u.role === "tenant_viewer" ? u.tenantIds.join(", ") || "none" : "—"}</td>
                <td className={td}>{u.disabled ? "Disabled" : "Active"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
