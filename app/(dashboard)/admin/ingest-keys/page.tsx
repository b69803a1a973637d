import type { Metadata } from "next";
import { getSql } from "@/lib/db/client";
import { pageAccess } from "@/lib/auth/guard";
import { listTenants } from "@/lib/admin/overview";
import { listKeys } from "@/lib/admin/ingest-keys";
import { AdminHeader } from "@/components/admin/admin-header";
import { CreateKeyForm } from "@/components/admin/create-key-form";
import { RevokeKeyButton } from "@/components/admin/revoke-key-button";
import { td, th } from "@/components/admin/styles";
import { Time } from "@/components/preferences/time-zone";

export const metadata: Metadata = { title: "Ingest keys" };

const when = (date: Date | null) => (date ? <Time at={date} precision="minute" /> : "—");

export default async function IngestKeysPage() {
  await pageAccess("admin", { audit: "admin.view", resource: "/admin/ingest-keys" });
  const [tenantRows, keys] = await Promise.all([listTenants(), listKeys(getSql())]);
  return (
    <div className="space-y-6">
      <AdminHeader title="Ingest keys" />
      <CreateKeyForm tenants={tenantRows.map(({ id, name }) => ({ id, name }))} />
      <table className="border-collapse" data-testid="ingest-keys-table">
        <thead>
          <tr className="border-b border-zinc-200 dark:border-zinc-800">
            <th className={th}>Name</th>
            <th className={th}>Key</th>
            <th className={th}>Tenant</th>
            <th className={th}>Created by</th>
            <th className={th}>Created</th>
            <th className={th}>Last used</th>
            <th className={th}>Status</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id} data-key-name={k.name} className="border-b border-zinc-100 dark:border-zinc-900">
              <td className={td}>{k.name}</td>
              <td className={`${td} font-mono`}>{k.prefix}…</td>
              <td className={td}>{k.tenantId ?? "Any (platform collector)"}</td>
              <td className={td}>{k.createdBy ?? "—"}</td>
              <td className={td}>{when(k.createdAt)}</td>
              <td className={td}>{when(k.lastUsedAt)}</td>
              <td className={td}>{k.revokedAt ? <>Revoked {when(k.revokedAt)}</> : <RevokeKeyButton keyId={k.id} label={k.name} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
