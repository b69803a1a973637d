"use client";

import { useActionState } from "react";
import { checkAuditChain, type ChainState } from "@/lib/access-review/actions";
import { formatCount } from "@/lib/format/count";

/** Verifies the hash chain on request: it reads every audit row, so never on page load. */
export function ChainStatus() {
  const [state, action, pending] = useActionState<ChainState>(checkAuditChain, {});
  const broken = state.report?.firstBroken;
  return (
    <form action={action} className="flex items-center gap-2">
      <button type="submit" disabled={pending} className="rounded border border-zinc-300 px-2 py-1 disabled:opacity-60 dark:border-zinc-700">
        {pending ? "Checking…" : "Verify audit chain"}
      </button>
      <span role="status" data-testid="chain-status">
        {state.error && <span className="text-red-600 dark:text-red-400">{state.error}</span>}
        {state.report && !broken && <span className="text-green-700 dark:text-green-400">Intact: {formatCount(state.report.rows)} rows checked.</span>}
        {broken && (
          <span className="font-medium text-red-600 dark:text-red-400">
            Broken at seq {broken.seq} (row {broken.id}): {broken.reason}.
          </span>
        )}
      </span>
    </form>
  );
}
