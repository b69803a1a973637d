"use client";

import { useActionState } from "react";
import type { ActionState } from "@/lib/retention/action-state";
import { ActionMessage } from "./action-message";

export function RunNowButton({ action }: { action: () => Promise<ActionState> }) {
  const [state, submit, pending] = useActionState(action, {});
  return (
    <form action={submit} className="flex items-center gap-3">
      <ActionMessage state={state} />
      <button type="submit" disabled={pending} className="rounded border border-zinc-300 px-3 py-1 text-sm disabled:opacity-50 dark:border-zinc-700">
        {pending ? "Running…" : "Run now"}
      </button>
    </form>
  );
}
