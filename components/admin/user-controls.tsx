"use client";

import { useActionState } from "react";
import { setDisabledAction, updateUserAction } from "@/lib/admin/actions";
import type { AdminFormState } from "@/lib/admin/form-state";
import type { UserRole } from "@/db/schema";
import type { TenantOption } from "@/lib/tenants/in-scope";
import { FormStatus } from "./form-status";
import { RoleOptions } from "./role-options";
import { input, quietButton } from "./styles";
import { TenantCheckboxes } from "./tenant-checkboxes";

export interface EditableUser {
  id: string;
  email: string;
  role: UserRole | null;
  disabled: boolean;
  tenantIds: string[];
}

/** Role and tenant scope of one user; the server refuses an admin demoting themselves. */
export function EditUserForm({ user, tenants }: { user: EditableUser; tenants: TenantOption[] }) {
  const [state, action, pending] = useActionState<AdminFormState, FormData>(updateUserAction, {});
  return (
    <form action={action} aria-label={`Edit ${user.email}`} className="space-y-2 py-2">
      <input type="hidden" name="userId" value={user.id} />
      <label className="flex items-center gap-2">
        <span className="text-zinc-600 dark:text-zinc-400">Role</span>
        <select name="role" defaultValue={user.role ?? "none"} className={input}>
          <RoleOptions />
        </select>
      </label>
      <TenantCheckboxes tenants={tenants} checked={user.tenantIds} legend="Tenant scope (tenant viewers only)" />
      <div className="flex items-center gap-3">
        <button type="submit" disabled={pending} className={quietButton}>
          Save
        </button>
        <FormStatus state={state} />
      </div>
    </form>
  );
}

export function DisableUserButton({ user }: { user: EditableUser }) {
  const [state, action, pending] = useActionState<AdminFormState, FormData>(setDisabledAction, {});
  return (
    <form action={action} className="flex items-center gap-2">
      <input type="hidden" name="userId" value={user.id} />
      <input type="hidden" name="disabled" value={user.disabled ? "false" : "true"} />
      <button type="submit" disabled={pending} className={quietButton}>
        {user.disabled ? "Enable" : "Disable"}
      </button>
      {state.error && <FormStatus state={state} />}
    </form>
  );
}
