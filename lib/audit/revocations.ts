import "server-only";
import type { Sql } from "@/db/connect";
import type { RevocationStatus } from "@/db/schema-review";
import { recordAudit, type RequestMeta } from "./record";
import { assertAnotherAdmin, ReviewRefused, sameUser, withFailureRow } from "./review";

export interface PendingRevocation {
  id: number;
  requestedAt: Date;
  requestedByEmail: string;
  subjectId: string;
  subjectEmail: string;
  subjectRole: string;
  reviewId: number;
}

/** Revocations waiting for an admin, oldest first. */
export async function pendingRevocations(sql: Sql): Promise<PendingRevocation[]> {
  return sql<PendingRevocation[]>`
    SELECT id::int, requested_at AS "requestedAt", requested_by_email AS "requestedByEmail", subject_id AS "subjectId",
           subject_email AS "subjectEmail", subject_role AS "subjectRole", review_id::int AS "reviewId"
    FROM pending_revocations WHERE status = 'pending' ORDER BY requested_at, id`;
}

export interface ResolveInput {
  admin: { id: string; email: string; role: string | null };
  pendingId: number;
  confirm: boolean;
  request: RequestMeta;
}

/**
 * An admin's decision on a pending revocation, ending with exactly one outcome row: confirming
 * disables the subject (`admin.user.disable`, old and new), rejecting leaves them active
 * (`admin.revocation.reject`); a refusal writes one `admin.revocation.resolve` failure. The
 * subject cannot decide their own revocation, nor can whoever requested it.
 */
export async function resolveRevocation(sql: Sql, input: ResolveInput): Promise<RevocationStatus> {
  const row = { actor: input.admin, action: "admin.revocation.resolve", resource: `/revocations/${input.pendingId}`, request: input.request, details: { pendingRevocation: input.pendingId, confirm: input.confirm } };
  return withFailureRow(sql, row, () =>
    sql.begin(async (tx) => {
      if (input.admin.role !== "admin") throw new ReviewRefused("not-admin");
      const [pending] = await tx<{ subjectId: string; subjectEmail: string; requestedById: string; requestedByEmail: string; reviewId: string }[]>`
        SELECT subject_id AS "subjectId", subject_email AS "subjectEmail", requested_by_id AS "requestedById",
               requested_by_email AS "requestedByEmail", review_id::text AS "reviewId"
        FROM pending_revocations WHERE id = ${input.pendingId} AND status = 'pending' FOR UPDATE`;
      if (!pending) throw new ReviewRefused("not-pending");
      if (sameUser(pending.subjectId, input.admin.id) || sameUser(pending.requestedById, input.admin.id)) throw new ReviewRefused("self-review");
      const status: RevocationStatus = input.confirm ? "confirmed" : "rejected";
      const details = { user: pending.subjectEmail, via: "access review", reviewId: Number(pending.reviewId), pendingRevocation: input.pendingId, requestedBy: pending.requestedByEmail };
      const audit = (action: string, extra: Record<string, unknown>) =>
        recordAudit(tx as unknown as Sql, { actor: input.admin, action, resource: `/users/${pending.subjectId}`, outcome: "success", details: { ...details, ...extra }, request: input.request });
      if (input.confirm) {
        const [subject] = await tx<{ disabled: boolean; role: string | null }[]>`
          SELECT disabled, role::text AS role FROM users WHERE id = ${pending.subjectId} FOR UPDATE`;
        if (!subject) throw new ReviewRefused("unknown-subject");
        if (subject.disabled) throw new ReviewRefused("disabled");
        if (subject.role === "admin") await assertAnotherAdmin(tx as unknown as Sql, pending.subjectId);
        await tx`UPDATE users SET disabled = true WHERE id = ${pending.subjectId}`;
        await audit("admin.user.disable", { old: { disabled: false }, new: { disabled: true } });
      } else {
        await audit("admin.revocation.reject", {});
      }
      await tx`
        UPDATE pending_revocations SET status = ${status}, decided_at = now(), decided_by_id = ${input.admin.id}, decided_by_email = ${input.admin.email}
        WHERE id = ${input.pendingId}`;
      return status;
    }),
  );
}
