"use client";

import { useActionState } from "react";
import { createUserAction } from "@/lib/admin/actions";
import type { AdminFormState } from "@/lib/admin/form-state";
import type { TenantOption } from "@/lib/tenants/in-scope";
import { FormStatus } from "./form-status";
import { RoleOptions } from "./role-options";
import { button, input } from "./styles";
import { TenantCheckboxes } from "./tenant-checkboxes";

export function CreateUserForm({ tenants }: { tenants: TenantOption[] }) {
  const [state, action, pending] = useActionState<AdminFormState, FormData>(createUserAction, {});
  return (
    // A new key per success empties the form for the next user.
    <form key={state.done} action={action} aria-label="Create user" className="space-y-3 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
      <div className="flex flex-wrap gap-4">
        <label className="flex flex-col gap-1">
          <span className="text-zinc-600 dark:text-zinc-400">E-mail</span>
          <input name="email" type="email" required className={input} />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-zinc-600 dark:text-zinc-400">Name</span>
          <input name="name" required className={input} />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-zinc-600 dark:text-zinc-400">Role</span>
          <select name="role" defaultValue="tenant_viewer" className={input}>
            <RoleOptions />
          </select>
        </label>
      </div>
      <TenantCheckboxes tenants={tenants} legend="Tenants (tenant viewers only)" />
      <fieldset className="flex flex-wrap items-end gap-4">
        <legend className="sr-only">Sign-in</legend>
        <label className="flex items-center gap-1.5">
          <input type="radio" name="signIn" value="password" defaultChecked /> Password sign-in
        </label>
        <label className="flex items-center gap-1.5">
          <input type="radio" name="signIn" value="oidc" /> Single sign-on only
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-zinc-600 dark:text-zinc-400">Initial password</span>
          <input name="password" type="password" autoComplete="new-password" minLength={12} className={input} />
        </label>
      </fieldset>
      <div className="flex items-center gap-4">
        <button type="submit" disabled={pending} className={button}>
          {pending ? "Creating…" : "Create user"}
        </button>
        <FormStatus state={state} />
      </div>
    </form>
  );
}
