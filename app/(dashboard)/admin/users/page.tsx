import type { Metadata } from "next";
import { pageAccess } from "@/lib/auth/guard";
import { listTenants, listUsers } from "@/lib/admin/overview";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { AdminHeader } from "@/components/admin/admin-header";
import { CreateUserForm } from "@/components/admin/create-user-form";
import { DisableUserButton, EditUserForm } from "@/components/admin/user-controls";
import { td, th } from "@/components/admin/styles";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const { user: me } = await pageAccess("admin", { audit: "admin.view", resource: "/admin/users" });
  const [tenantRows, users] = await Promise.all([listTenants(), listUsers()]);
  const tenants = tenantRows.map(({ id, name }) => ({ id, name }));
  return (
    <div className="space-y-6">
      <AdminHeader title="Users" />
      <section className="space-y-2">
        <h2 className="font-medium">New user</h2>
        <CreateUserForm tenants={tenants} />
      </section>
      <table className="border-collapse" data-testid="users-table">
        <thead>
          <tr className="border-b border-zinc-200 dark:border-zinc-800">
            <th className={th}>User</th>
            <th className={th}>Role</th>
            <th className={th}>Tenant scope</th>
            <th className={th}>Status</th>
            <th className={th}>Change</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-email={u.email} className="border-b border-zinc-100 dark:border-zinc-900">
              <td className={td}>
                {u.name} <span className="text-zinc-500">{u.email}</span>
              </td>
              <td className={td}>{u.role ? ROLE_LABELS[u.role] : "No role"}</td>
              <td className={td}>{u.role === "tenant_viewer" ? u.tenantIds.join(", ") || "none" : "—"}</td>
              <td className={td}>{u.disabled ? "Disabled" : "Active"}</td>
              <td className={td}>
                {u.id === me.id ? (
                  <span className="text-zinc-500">You cannot demote or disable yourself.</span>
                ) : (
                  <div className="space-y-1">
                    <DisableUserButton user={u} />
                    <details>
                      <summary className="cursor-pointer text-sky-700 dark:text-sky-400">Role and scope</summary>
                      <EditUserForm user={u} tenants={tenants} />
                    </details>
                  </div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
