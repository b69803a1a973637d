"use client";

import { useActionState } from "react";
import { ReviewStatus } from "./review-status";
import { submitReview, type ReviewState } from "@/lib/access-review/actions";

const field = "rounded border border-zinc-300 bg-white px-1.5 py-0.5 dark:border-zinc-700 dark:bg-zinc-900";

/** Keep or revoke one user's access for a period, with a note for the record. */
export function ReviewForm({ subjectId, subjectEmail }: { subjectId: string; subjectEmail: string }) {
  const [state, action, pending] = useActionState<ReviewState, FormData>(submitReview, {});
  return (
    <form action={action} className="flex flex-wrap items-center gap-1.5" aria-label={`Review ${subjectEmail}`}>
      <input type="hidden" name="subjectId" value={subjectId} />
      <select name="decision" aria-label="Decision" className={field} defaultValue="keep">
        <option value="keep">Keep</option>
        <option value="revoke">Revoke (disables the user; above tenant viewer, once an admin confirms)</option>
      </select>
      <select name="period" aria-label="Period" className={field} defaultValue="quarter">
        <option value="quarter">This quarter</option>
        <option value="previous-quarter">Previous quarter</option>
        <option value="since-last">Since last review</option>
      </select>
      <input name="note" aria-label="Note" placeholder="note" maxLength={2000} className={`${field} w-48`} />
      <button type="submit" disabled={pending} className="rounded bg-sky-700 px-2 py-0.5 text-white hover:bg-sky-800 disabled:opacity-60">
        {pending ? "Saving…" : "Mark reviewed"}
      </button>
      <ReviewStatus state={state} />
    </form>
  );
}
