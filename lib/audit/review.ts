import "server-only";
import type { Sql } from "@/db/connect";
import type { ReviewDecision } from "@/db/schema-review";
import { recordAudit, type RequestMeta } from "./record";
import { isDueForReview, reviewPeriod, type ReviewPeriodKind } from "./review-period";

export interface ReviewSubject {
  id: string;
  email: string;
  name: string;
  role: string;
  tenantIds: string[];
  lastReview: { at: Date; decision: ReviewDecision; reviewerEmail: string; periodLabel: string; note: string } | null;
  due: boolean;
}

/** Every active user with a role (all roles reach audit or trace data), with their last review. */
export async function reviewStatus(sql: Sql, now = new Date()): Promise<ReviewSubject[]> {
  const rows = await sql<(Omit<ReviewSubject, "lastReview" | "due"> & { lastAt: Date | null; decision: ReviewDecision | null; reviewerEmail: string | null; periodLabel: string | null; note: string | null })[]>`
    SELECT u.id, u.email, u.name, u.role::text AS role,
           coalesce((SELECT array_agg(s.tenant_id ORDER BY s.tenant_id) FROM user_tenant_scopes s WHERE s.user_id = u.id), '{}') AS "tenantIds",
           r.at AS "lastAt", r.decision, r.reviewer_email AS "reviewerEmail", r.period_label AS "periodLabel", r.note
    FROM users u
    LEFT JOIN LATERAL (
      SELECT at, decision, reviewer_email, period_label, note FROM access_reviews
      WHERE subject_id = u.id ORDER BY at DESC LIMIT 1
    ) r ON true
    WHERE u.role IS NOT NULL AND NOT u.disabled
    ORDER BY r.at ASC NULLS FIRST, u.email`;
  return rows.map(({ lastAt, decision, reviewerEmail, periodLabel, note, ...user }) => ({
    ...user,
    lastReview: lastAt && decision ? { at: lastAt, decision, reviewerEmail: reviewerEmail ?? "", periodLabel: periodLabel ?? "", note: note ?? "" } : null,
    due: isDueForReview(lastAt, now),
  }));
}

export type ReviewRefusal = "self-review" | "unknown-subject" | "no-role" | "disabled" | "last-admin";

const REFUSAL_MESSAGES: Record<ReviewRefusal, string> = {
  "self-review": "You cannot review your own access; another reviewer must.",
  "unknown-subject": "That user does not exist.",
  "no-role": "That user has no role, so there is no access to review.",
  disabled: "That user is already disabled.",
  "last-admin": "Revoking would leave no active admin; appoint another admin first.",
};

export class ReviewRefused extends Error {
  constructor(readonly reason: ReviewRefusal) {
    super(REFUSAL_MESSAGES[reason]);
  }
}

export interface ReviewInput {
  reviewer: { id: string; email: string; role: string | null };
  subjectId: string;
  decision: ReviewDecision;
  note: string;
  period: ReviewPeriodKind;
  request: RequestMeta;
}

/**
 * Records one review decision. "revoke" disables the subject in the same transaction and
 * writes the audit row of that change (old and new) there too, so the three stand or fall
 * together. Refuses self-review and anything that would lock every admin out.
 */
export async function recordReview(sql: Sql, input: ReviewInput, now = new Date()): Promise<{ reviewId: number; revoked: boolean; periodLabel: string }> {
  if (input.reviewer.id === input.subjectId) throw new ReviewRefused("self-review");
  return sql.begin(async (tx) => {
    const [subject] = await tx<{ id: string; email: string; role: string | null; disabled: boolean; createdAt: Date }[]>`
      SELECT id, email, role::text AS role, disabled, created_at AS "createdAt" FROM users WHERE id = ${input.subjectId} FOR UPDATE`;
    if (!subject) throw new ReviewRefused("unknown-subject");
    if (!subject.role) throw new ReviewRefused("no-role");
    if (subject.disabled) throw new ReviewRefused("disabled");
    if (input.decision === "revoke" && subject.role === "admin") {
      // Locks the other admins' rows too, so two reviewers cannot each revoke the other.
      const others = await tx`SELECT 1 FROM users WHERE role = 'admin' AND NOT disabled AND id <> ${subject.id} FOR UPDATE`;
      if (others.length === 0) throw new ReviewRefused("last-admin");
    }
    const [last] = await tx<{ at: Date }[]>`SELECT max(at) AS at FROM access_reviews WHERE subject_id = ${subject.id}`;
    const period = reviewPeriod(input.period, now, last?.at ?? subject.createdAt);
    const [review] = await tx<{ id: string }[]>`
      INSERT INTO access_reviews (reviewer_id, reviewer_email, subject_id, subject_email, subject_role, decision, note, period_label, period_from, period_to)
      VALUES (${input.reviewer.id}, ${input.reviewer.email}, ${subject.id}, ${subject.email}, ${subject.role}, ${input.decision},
              ${input.note}, ${period.label}, ${period.from}, ${period.to})
      RETURNING id::text`;
    const reviewId = Number(review!.id);
    if (input.decision === "revoke") {
      await tx`UPDATE users SET disabled = true WHERE id = ${subject.id}`;
      // recordAudit takes the pool's type; a transaction answers the same tagged template.
      await recordAudit(tx as unknown as Sql, {
        actor: input.reviewer,
        action: "admin.user.disable",
        resource: `/users/${subject.id}`,
        outcome: "success",
        details: { user: subject.email, via: "access review", reviewId, old: { disabled: false }, new: { disabled: true } },
        request: input.request,
      });
    }
    return { reviewId, revoked: input.decision === "revoke", periodLabel: period.label };
  });
}
