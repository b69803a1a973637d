"use client";

import { useActionState } from "react";
import { ReviewStatus } from "./review-status";
import { decideRevocation, type ReviewState } from "@/lib/access-review/actions";
import type { PendingRevocation } from "@/lib/audit/revocations";
import { Time } from "@/components/preferences/time-zone";

const th = "py-1.5 pr-4 text-left text-xs font-medium text-zinc-500";
const td = "py-1 pr-4 align-top";

function Decide({ pending }: { pending: PendingRevocation }) {
  const [state, action, busy] = useActionState<ReviewState, FormData>(decideRevocation, {});
  return (
    <form action={action} className="flex flex-wrap items-center gap-1.5" aria-label={`Decide the revocation of ${pending.subjectEmail}`}>
      <input type="hidden" name="pendingId" value={pending.id} />
      <button type="submit" name="decision" value="confirm" disabled={busy} className="rounded bg-red-600 px-2 py-0.5 text-white hover:bg-red-700 disabled:opacity-60">
        Confirm
      </button>
      <button type="submit" name="decision" value="reject" disabled={busy} className="rounded border border-zinc-300 px-2 py-0.5 hover:bg-zinc-100 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-800">
        Reject
      </button>
      <ReviewStatus state={state} />
    </form>
  );
}

/**
 * Revocations an auditor asked for that wait for an admin (separation of duties). Admins get
 * Confirm and Reject, except on their own revocation; everyone else sees what is waiting.
 */
export function PendingRevocations({ pending, viewerId, viewerIsAdmin }: { pending: PendingRevocation[]; viewerId: string; viewerIsAdmin: boolean }) {
  if (pending.length === 0) return <p className="mb-2 text-zinc-600 dark:text-zinc-400">No revocations are waiting for an admin.</p>;
  return (
    <table className="mb-4 border-collapse" data-testid="pending-revocations">
      <thead>
        <tr className="border-b border-zinc-200 dark:border-zinc-800">
          <th className={th}>User</th>
          <th className={th}>Role</th>
          <th className={th}>Requested</th>
          <th className={th}>Decision</th>
        </tr>
      </thead>
      <tbody>
        {pending.map((p) => (
          <tr key={p.id} className="border-b border-zinc-100 dark:border-zinc-900" data-pending={p.subjectEmail}>
            <td className={td}>{p.subjectEmail}</td>
            <td className={td}>{p.subjectRole}</td>
            <td className={td}>
              by {p.requestedByEmail}
              <div className="text-xs text-zinc-500"><Time at={p.requestedAt} precision="millisecond" /></div>
            </td>
            <td className={td}>
              {!viewerIsAdmin ? (
                <span className="text-zinc-500">Waiting for an admin.</span>
              ) : p.subjectId === viewerId ? (
                <span className="text-zinc-500">Another admin must decide your own revocation.</span>
              ) : (
                <Decide pending={p} />
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
