import { sql } from "drizzle-orm";
import { bigint, bigserial, check, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const reviewDecisions = ["keep", "revoke"] as const;
export type ReviewDecision = (typeof reviewDecisions)[number];

/**
 * The periodic access review (lib/audit/review.ts): a reviewer's keep-or-revoke decision on
 * one privileged user for one period. Append-only like the audit log: a later review
 * supersedes an earlier one, nothing is rewritten. Like audit_log, no foreign keys: emails
 * and the subject's role are copied, so the record outlives the user and still reads right
 * after a rename or a role change.
 */
export const accessReviews = pgTable(
  "access_reviews",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: ts("at").notNull().defaultNow(),
    reviewerId: uuid("reviewer_id").notNull(),
    reviewerEmail: text("reviewer_email").notNull(),
    subjectId: uuid("subject_id").notNull(),
    subjectEmail: text("subject_email").notNull(),
    subjectRole: text("subject_role").notNull(),
    decision: text("decision", { enum: reviewDecisions }).notNull(),
    note: text("note").notNull().default(""),
    periodLabel: text("period_label").notNull(),
    periodFrom: ts("period_from").notNull(),
    periodTo: ts("period_to").notNull(),
  },
  (t) => [
    check("access_reviews_decision", sql`${t.decision} IN ('keep', 'revoke')`),
    check("access_reviews_not_self", sql`${t.reviewerId} <> ${t.subjectId}`),
    check("access_reviews_note_length", sql`char_length(${t.note}) <= 2000`),
    check("access_reviews_period", sql`${t.periodFrom} < ${t.periodTo}`),
    index("access_reviews_subject_at_idx").on(t.subjectId, t.at.desc()),
  ],
);

export type AccessReview = typeof accessReviews.$inferSelect;

export const revocationStatuses = ["pending", "confirmed", "rejected"] as const;
export type RevocationStatus = (typeof revocationStatuses)[number];

/**
 * An auditor's Revoke of a user with more rights than a tenant viewer: separation of duties,
 * an admin confirms or rejects it (lib/audit/revocations.ts). Resolved once, never removed
 * (trigger in migration 0013); at most one open per subject.
 */
export const pendingRevocations = pgTable(
  "pending_revocations",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    reviewId: bigint("review_id", { mode: "number" }).notNull(),
    requestedAt: ts("requested_at").notNull().defaultNow(),
    requestedById: uuid("requested_by_id").notNull(),
    requestedByEmail: text("requested_by_email").notNull(),
    subjectId: uuid("subject_id").notNull(),
    subjectEmail: text("subject_email").notNull(),
    subjectRole: text("subject_role").notNull(),
    status: text("status", { enum: revocationStatuses }).notNull().default("pending"),
    decidedAt: ts("decided_at"),
    decidedById: uuid("decided_by_id"),
    decidedByEmail: text("decided_by_email"),
  },
  (t) => [
    check("pending_revocations_status", sql`${t.status} IN ('pending', 'confirmed', 'rejected')`),
    check("pending_revocations_decided", sql`(${t.status} = 'pending') = (${t.decidedAt} IS NULL) AND (${t.decidedAt} IS NULL) = (${t.decidedById} IS NULL)`),
    check("pending_revocations_not_self", sql`${t.requestedById} <> ${t.subjectId} AND ${t.decidedById} <> ${t.subjectId} AND ${t.decidedById} <> ${t.requestedById}`),
    uniqueIndex("pending_revocations_open_idx").on(t.subjectId).where(sql`${t.status} = 'pending'`),
  ],
);
