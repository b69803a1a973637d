"use client";

import { useActionState } from "react";
import { createKeyAction } from "@/lib/admin/actions";
import type { AdminFormState } from "@/lib/admin/form-state";
import type { TenantOption } from "@/lib/tenants/in-scope";
import { FormStatus } from "./form-status";
import { button, input } from "./styles";

export function CreateKeyForm({ tenants }: { tenants: TenantOption[] }) {
  const [state, action, pending] = useActionState<AdminFormState, FormData>(createKeyAction, {});
  return (
    <div className="space-y-3">
      <form key={state.done} action={action} aria-label="Create ingest key" className="flex flex-wrap items-end gap-4 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
        <label className="flex flex-col gap-1">
          <span className="text-zinc-600 dark:text-zinc-400">Key name</span>
          <input name="name" required maxLength={200} className={input} />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-zinc-600 dark:text-zinc-400">Tenant</span>
          <select name="tenantId" defaultValue="" className={input}>
            <option value="">Platform collector (any tenant)</option>
            {tenants.map((tenant) => (
              <option key={tenant.id} value={tenant.id}>
                {tenant.name} ({tenant.id})
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={pending} className={button}>
          {pending ? "Creating…" : "Create key"}
        </button>
        <FormStatus state={state} />
      </form>
      {state.newKey && (
        <div role="status" className="rounded-lg border border-amber-300 bg-amber-50 p-4 dark:border-amber-800 dark:bg-amber-950">
          <p className="mb-1 font-medium">Copy this key now: it is shown only once.</p>
          <code data-testid="new-ingest-key" className="block break-all select-all font-mono">
            {state.newKey.key}
          </code>
        </div>
      )}
    </div>
  );
}
