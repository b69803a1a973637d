import { signOutAction } from "@/lib/auth/actions";
import { ROLE_LABELS } from "@/lib/auth/roles";
import type { AccessProfile } from "@/lib/auth/users";
import type { Theme } from "@/lib/preferences/preferences";
import { PreferenceControls } from "@/components/preferences/preference-controls";

function scopeLabel(user: AccessProfile): string {
  if (user.role === "admin" || user.role === "investigator") return "All tenants";
  if (user.role === "tenant_viewer") return user.tenantIds.length > 0 ? user.tenantIds.join(", ") : "No tenants";
  return "No trace data";
}

export function UserMenu({ user, theme }: { user: AccessProfile; theme: Theme }) {
  return (
    <details className="relative" data-testid="user-menu">
      <summary className="cursor-pointer list-none rounded px-2.5 py-1 hover:bg-zinc-100 dark:hover:bg-zinc-900">
        <span className="font-medium">{user.name}</span>{" "}
        <span className="text-zinc-500">· {user.role ? ROLE_LABELS[user.role] : "No role"}</span>
      </summary>
      <div className="absolute right-0 z-10 mt-1 w-64 rounded-md border border-zinc-200 bg-white p-3 shadow-lg dark:border-zinc-800 dark:bg-zinc-900">
        <dl className="space-y-1.5">
          <div>
            <dt className="text-xs text-zinc-500">Signed in as</dt>
            <dd>{user.email}</dd>
          </div>
          <div>
            <dt className="text-xs text-zinc-500">Role</dt>
            <dd data-testid="user-role">{user.role ? ROLE_LABELS[user.role] : "No role"}</dd>
          </div>
          <div>
            <dt className="text-xs text-zinc-500">Tenant scope</dt>
            <dd data-testid="user-scope">{scopeLabel(user)}</dd>
          </div>
        </dl>
        <PreferenceControls theme={theme} />
        <form action={signOutAction} className="mt-3 border-t border-zinc-200 pt-2 dark:border-zinc-800">
          <button type="submit" className="text-sky-700 hover:underline dark:text-sky-400">
            Sign out
          </button>
        </form>
      </div>
    </details>
  );
}
