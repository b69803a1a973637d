"use client";

import { useActionState } from "react";
import type { TenantRetention } from "@/lib/retention/settings";
import type { ActionState } from "@/lib/retention/action-state";
import { ActionMessage } from "./action-message";

const input = "w-24 rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900";

export function TenantRetentionForm({
  tenant,
  action,
}: {
  tenant: TenantRetention;
  action: (prev: ActionState, form: FormData) => Promise<ActionState>;
}) {
  const [state, submit, pending] = useActionState(action, {});
  const id = (field: string) => `${tenant.id}-${field}`;
  return (
    <form
      action={submit}
      aria-label={`Retention of ${tenant.name}`}
      className="flex flex-wrap items-end gap-4 border-b border-zinc-100 py-2 dark:border-zinc-900"
    >
      <input type="hidden" name="tenantId" value={tenant.id} />
      <div className="w-48">
        <div className="font-medium">{tenant.name}</div>
        <div className="text-xs text-zinc-500">{tenant.id}</div>
      </div>
      <label htmlFor={id("std")} className="flex flex-col text-xs text-zinc-500">
        Standard retention (days)
        <input id={id("std")} name="retentionDays" inputMode="numeric" defaultValue={tenant.retentionDays} className={input} />
      </label>
      <label htmlFor={id("kept")} className="flex flex-col text-xs text-zinc-500">
        Kept-trace retention (days)
        <input id={id("kept")} name="keptRetentionDays" inputMode="numeric" defaultValue={tenant.keptRetentionDays} className={input} />
      </label>
      <label htmlFor={id("slow")} className="flex flex-col text-xs text-zinc-500">
        Slow threshold (ms)
        <input id={id("slow")} name="slowThresholdMs" inputMode="numeric" defaultValue={tenant.slowThresholdMs} className={input} />
      </label>
      <label className="flex items-center gap-1.5 pb-1.5 text-sm">
        <input type="checkbox" name="legalHold" defaultChecked={tenant.legalHold} />
        Legal hold
      </label>
      <button
        type="submit"
        disabled={pending}
        className="rounded bg-zinc-900 px-3 py-1 text-sm text-white disabled:opacity-50 dark:bg-zinc-100 dark:text-zinc-900"
      >
        {pending ? "Saving…" : "Save"}
      </button>
      <div className="basis-full">
        <ActionMessage state={state} />
      </div>
    </form>
  );
}
