"use server";

// Beside lib/audit, not in it: these actions pass the gate (lib/auth), which itself records to lib/audit.
import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getSql } from "@/lib/db/client";
import { isTransientDatabaseError } from "@/db/errors";
import { reviewDecisions } from "@/db/schema-review";
import { AuditWriteError, recordAudit } from "@/lib/audit/record";
import { requestMetaFrom } from "@/lib/audit/request-meta";
import { ReviewRefused, submitReview as submitAccessReview } from "@/lib/audit/review";
import { resolveRevocation } from "@/lib/audit/revocations";
import { REVIEW_PERIODS } from "@/lib/audit/review-period";
import { auditKeyFromEnv } from "@/lib/audit/mac";
import { verifyAuditLog, type ChainReport } from "@/lib/audit/verify";
import { authorize } from "@/lib/auth/gate";
import { describeIssues } from "@/lib/http/api-route";

export interface ReviewState {
  ok?: string;
  error?: string;
}

const reviewForm = z.object({
  subjectId: z.uuid("subjectId: not a user id"),
  decision: z.enum(reviewDecisions, { message: "decision: keep or revoke" }),
  note: z.string().trim().max(2000, "note: at most 2000 characters"),
  period: z.enum(REVIEW_PERIODS, { message: `period: one of ${REVIEW_PERIODS.join(", ")}` }),
});

const UNAVAILABLE = "The database is unavailable; nothing was recorded. Try again shortly.";

/**
 * A decision's answer: a refused review or an unavailable database is a message on the form,
 * anything else an error page.
 */
async function answered(run: () => Promise<ReviewState>): Promise<ReviewState> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ReviewRefused) return { error: error.message };
    if (error instanceof AuditWriteError || isTransientDatabaseError(error)) return { error: UNAVAILABLE };
    throw error;
  }
}

/** One review decision. The gate's row says who reviewed whom and how, never the note itself. */
export async function submitReview(_prev: ReviewState, form: FormData): Promise<ReviewState> {
  const parsed = reviewForm.safeParse({
    subjectId: form.get("subjectId"),
    decision: form.get("decision"),
    note: form.get("note") ?? "",
    period: form.get("period"),
  });
  const input = parsed.data;
  const details = input
    ? { subject: input.subjectId, decision: input.decision, noteLength: input.note.length, period: input.period }
    : { rejected: "invalid input", problem: describeIssues(parsed.error!) };
  return answered(async () => {
    const decision = await authorize("audit:read", { audit: "audit.review", resource: "/audit", details });
    if (!decision.allowed) return { error: "Your role does not allow access reviews." };
    const request = requestMetaFrom(await headers());
    const reviewer = { id: decision.user.id, email: decision.user.email, role: decision.user.role };
    if (!input) {
      await recordAudit(getSql(), { actor: reviewer, action: "audit.review", resource: "/audit", outcome: "failure", details: { ...details, reason: "invalid-input" }, request });
      return { error: describeIssues(parsed.error!) };
    }
    const result = await submitAccessReview(getSql(), { reviewer, ...input, request });
    revalidatePath("/audit");
    const done = { kept: "Kept", revoked: "Revoked and disabled", pending: "Revocation requested; an admin must confirm it" }[result.outcome];
    return { ok: `${done} for ${result.periodLabel}.` };
  });
}

const resolveForm = z.object({
  pendingId: z.coerce.number().int().positive("pendingId: not a pending revocation"),
  decision: z.enum(["confirm", "reject"], { message: "decision: confirm or reject" }),
});

/** An admin confirms or rejects an auditor's revocation (separation of duties, issue 15 item 7). */
export async function decideRevocation(_prev: ReviewState, form: FormData): Promise<ReviewState> {
  const parsed = resolveForm.safeParse({ pendingId: form.get("pendingId"), decision: form.get("decision") });
  const details = parsed.success ? { pendingRevocation: parsed.data.pendingId, decision: parsed.data.decision } : { rejected: "invalid input", problem: describeIssues(parsed.error) };
  return answered(async () => {
    const decision = await authorize("admin", { audit: "admin.revocation.resolve", resource: "/audit", details });
    if (!decision.allowed) return { error: "Only an admin can confirm or reject a revocation." };
    const request = requestMetaFrom(await headers());
    const admin = { id: decision.user.id, email: decision.user.email, role: decision.user.role };
    if (!parsed.success) {
      await recordAudit(getSql(), { actor: admin, action: "admin.revocation.resolve", resource: "/audit", outcome: "failure", details: { ...details, reason: "invalid-input" }, request });
      return { error: describeIssues(parsed.error) };
    }
    const status = await resolveRevocation(getSql(), { admin, pendingId: parsed.data.pendingId, confirm: parsed.data.decision === "confirm", request });
    revalidatePath("/audit");
    return { ok: status === "confirmed" ? "Revocation confirmed; the user is disabled." : "Revocation rejected; the user keeps their access." };
  });
}

export type ChainState = { report?: ChainReport; error?: string };

/** Recomputes the whole hash chain and every row's MAC: on demand only, it reads every audit row. */
export async function checkAuditChain(): Promise<ChainState> {
  try {
    const decision = await authorize("audit:read", { audit: "audit.verify", resource: "/audit" });
    if (!decision.allowed) return { error: "Your role does not allow checking the audit log." };
    return { report: await verifyAuditLog(getSql(), { key: auditKeyFromEnv() }) };
  } catch (error) {
    if (error instanceof AuditWriteError || isTransientDatabaseError(error)) return { error: UNAVAILABLE };
    throw error;
  }
}
