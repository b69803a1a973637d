import type { ReviewSubject } from "@/lib/audit/review";
import { Time } from "@/components/preferences/time-zone";
import { ReviewForm } from "./review-form";

const th = "py-1.5 pr-4 text-left text-xs font-medium text-zinc-500";
const td = "py-1 pr-4 align-top";

/** Privileged users, those due for review first, each with their last review and a form. */
export function ReviewList({ subjects, reviewerId, quarter }: { subjects: ReviewSubject[]; reviewerId: string; quarter: string }) {
  const due = subjects.filter((s) => s.due).length;
  return (
    <>
      <p className="mb-2 text-zinc-600 dark:text-zinc-400" data-testid="reviews-due">
        {due === 0 ? `Everyone has been reviewed for ${quarter}.` : `${due} of ${subjects.length} privileged users are due for review in ${quarter}.`}
      </p>
      <table className="border-collapse" data-testid="review-list">
        <thead>
          <tr className="border-b border-zinc-200 dark:border-zinc-800">
            <th className={th}>User</th>
            <th className={th}>Role · tenants</th>
            <th className={th}>Status</th>
            <th className={th}>Last review</th>
            <th className={th}>Review</th>
          </tr>
        </thead>
        <tbody>
          {subjects.map((s) => (
            <tr key={s.id} className="border-b border-zinc-100 dark:border-zinc-900" data-subject={s.email}>
              <td className={td}>{s.email}</td>
              <td className={td}>
                {s.role}
                {s.role === "tenant_viewer" && <span className="text-zinc-500"> · {s.tenantIds.join(", ") || "no tenants"}</span>}
              </td>
              <td className={td}>{s.due ? <span className="font-medium text-amber-700 dark:text-amber-400">Due</span> : "Reviewed"}</td>
              <td className={td}>
                {s.lastReview ? (
                  <>
                    {s.lastReview.decision} by {s.lastReview.reviewerEmail}, {s.lastReview.periodLabel}
                    <div className="text-xs text-zinc-500">
                      <Time at={s.lastReview.at} precision="millisecond" />
                      {s.lastReview.note && <> · {s.lastReview.note}</>}
                    </div>
                  </>
                ) : (
                  <span className="text-zinc-500">never</span>
                )}
              </td>
              <td className={td}>{s.id === reviewerId ? <span className="text-zinc-500">Another reviewer must review you.</span> : <ReviewForm subjectId={s.id} subjectEmail={s.email} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
