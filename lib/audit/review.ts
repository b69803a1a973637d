import "server-only";
import type { Sql } from "@/db/connect";
import type { ReviewDecision } from "@/db/schema-review";
import { recordAudit, type AuditRecord, type RequestMeta } from "./record";
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

export type ReviewRefusal = "self-review" | "unknown-subject" | "no-role" | "disabled" | "last-admin" | "already-pending" | "not-pending" | "not-admin";

const REFUSAL_MESSAGES: Record<ReviewRefusal, string> = {
  "self-review": "You cannot review your own access; another reviewer must.",
  "unknown-subject": "That user does not exist.",
  "no-role": "That user has no role, so there is no access to review.",
  disabled: "That user is already disabled.",
  "last-admin": "Revoking would leave no active admin; appoint another admin first.",
  "already-pending": "A revocation of that user is already waiting for an admin.",
  "not-pending": "That revocation is not waiting for a decision (already decided, or unknown).",
  "not-admin": "Only an admin can confirm or reject a revocation.",
};

export class ReviewRefused extends Error {
  constructor(readonly reason: ReviewRefusal) {
    super(REFUSAL_MESSAGES[reason]);
  }
}

/** User ids compared as Postgres compares uuids: `ABC…` and `abc…` are one user. */
export const sameUser = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Separation of duties (issue 15 item 7): a reviewer who is not an admin may revoke a tenant
 * viewer, the least-privileged role, at once; revoking anyone with more rights (investigator,
 * auditor, admin) waits for an admin's confirmation. Admins can disable users anyway.
 */
export const revocationNeedsAdmin = (reviewerRole: string | null, subjectRole: string) => reviewerRole !== "admin" && subjectRole !== "tenant_viewer";

export interface ReviewInput {
  reviewer: { id: string; email: string; role: string | null };
  subjectId: string;
  decision: ReviewDecision;
  note: string;
  period: ReviewPeriodKind;
  request: RequestMeta;
}

export interface ReviewResult {
  reviewId: number;
  /** "revoked": disabled now; "pending": waits for an admin (pendingId). */
  outcome: "kept" | "revoked" | "pending";
  pendingId: number | null;
  periodLabel: string;
}

/**
 * One review attempt, ending with exactly one outcome row: the decision's own row written in
 * its transaction when it succeeds, else one `audit.review` failure row naming why.
 */
export async function submitReview(sql: Sql, input: ReviewInput, now = new Date()): Promise<ReviewResult> {
  return withFailureRow(sql, { actor: input.reviewer, action: "audit.review", resource: "/audit", request: input.request, details: { subject: input.subjectId, decision: input.decision } }, () =>
    recordReview(sql, input, now),
  );
}

/**
 * Runs `attempt`, whose success writes its own outcome row; when it throws, writes one failure
 * row (the refusal's reason, or "error") and rethrows.
 */
export async function withFailureRow<T>(sql: Sql, row: Omit<AuditRecord, "outcome">, attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    const reason = error instanceof ReviewRefused ? error.reason : "error";
    await recordAudit(sql, { ...row, outcome: "failure", details: { ...row.details, reason } });
    throw error;
  }
}

/**
 * Records one review decision and its outcome row in one transaction: "keep" an
 * `audit.review` success; "revoke" of a tenant viewer (or by an admin) disables the subject
 * with an `admin.user.disable` row (old and new); any other "revoke" opens a pending
 * revocation for an admin. Refuses self-review and anything that would lock every admin out.
 */
export async function recordReview(sql: Sql, input: ReviewInput, now = new Date()): Promise<ReviewResult> {
  if (sameUser(input.reviewer.id, input.subjectId)) throw new ReviewRefused("self-review");
  return sql.begin(async (tx) => {
    const [subject] = await tx<{ id: string; email: string; role: string | null; disabled: boolean; createdAt: Date }[]>`
      SELECT id, email, role::text AS role, disabled, created_at AS "createdAt" FROM users WHERE id = ${input.subjectId} FOR UPDATE`;
    if (!subject) throw new ReviewRefused("unknown-subject");
    if (sameUser(subject.id, input.reviewer.id)) throw new ReviewRefused("self-review");
    if (!subject.role) throw new ReviewRefused("no-role");
    if (subject.disabled) throw new ReviewRefused("disabled");
    const pending = input.decision === "revoke" && revocationNeedsAdmin(input.reviewer.role, subject.role);
    if (pending) {
      const [open] = await tx`SELECT 1 FROM pending_revocations WHERE subject_id = ${subject.id} AND status = 'pending'`;
      if (open) throw new ReviewRefused("already-pending");
    } else if (input.decision === "revoke" && subject.role === "admin") {
      await assertAnotherAdmin(tx as unknown as Sql, subject.id);
    }
    const [last] = await tx<{ at: Date }[]>`SELECT max(at) AS at FROM access_reviews WHERE subject_id = ${subject.id}`;
    const period = reviewPeriod(input.period, now, last?.at ?? subject.createdAt);
    const [review] = await tx<{ id: string }[]>`
      INSERT INTO access_reviews (reviewer_id, reviewer_email, subject_id, subject_email, subject_role, decision, note, period_label, period_from, period_to)
      VALUES (${input.reviewer.id}, ${input.reviewer.email}, ${subject.id}, ${subject.email}, ${subject.role}, ${input.decision},
              ${input.note}, ${period.label}, ${period.from}, ${period.to})
      RETURNING id::text`;
    const reviewId = Number(review!.id);
    // recordAudit takes the pool's type; a transaction answers the same tagged template.
    const audit = (record: Omit<AuditRecord, "actor" | "request">) => recordAudit(tx as unknown as Sql, { ...record, actor: input.reviewer, request: input.request });
    const result = { reviewId, periodLabel: period.label, pendingId: null };
    if (input.decision === "keep") {
      await audit({ action: "audit.review", resource: `/users/${subject.id}`, outcome: "success", details: { user: subject.email, decision: "keep", reviewId } });
      return { ...result, outcome: "kept" };
    }
    if (pending) {
      const [row] = await tx<{ id: string }[]>`
        INSERT INTO pending_revocations (review_id, requested_by_id, requested_by_email, subject_id, subject_email, subject_role)
        VALUES (${reviewId}, ${input.reviewer.id}, ${input.reviewer.email}, ${subject.id}, ${subject.email}, ${subject.role})
        RETURNING id::text`;
      const pendingId = Number(row!.id);
      await audit({ action: "audit.review", resource: `/users/${subject.id}`, outcome: "success", details: { user: subject.email, decision: "revoke", reviewId, pendingRevocation: pendingId, awaiting: "admin confirmation" } });
      return { ...result, outcome: "pending", pendingId };
    }
    await tx`UPDATE users SET disabled = true WHERE id = ${subject.id}`;
    await audit({
      action: "admin.user.disable",
      resource: `/users/${subject.id}`,
      outcome: "success",
      details: { user: subject.email, via: "access review", reviewId, old: { disabled: false }, new: { disabled: true } },
    });
    return { ...result, outcome: "revoked" };
  });
}

/** Refuses ("last-admin") unless another active admin remains; locks their rows so two revocations cannot each remove the other. */
export async function assertAnotherAdmin(tx: Sql, subjectId: string): Promise<void> {
  const others = await tx`SELECT 1 FROM users WHERE role = 'admin' AND NOT disabled AND id <> ${subjectId} FOR UPDATE`;
  if (others.length === 0) throw new ReviewRefused("last-admin");
}
