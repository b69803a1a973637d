import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { verifyAuditChain } from "./verify";
import { recordReview, ReviewRefused, reviewStatus, type ReviewInput } from "./review";

let t: TestDatabase;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestDatabase();
  for (const [name, role] of [["admin", "admin"], ["admin2", "admin"], ["auditor", "auditor"], ["viewer", "tenant_viewer"], ["investigator", "investigator"], ["norole", null]] as const) {
    const [row] = await t.sql<{ id: string }[]>`INSERT INTO users (email, name, role) VALUES (${`${name}@demo.test`}, ${name}, ${role}) RETURNING id`;
    ids[name] = row!.id;
  }
});
afterAll(async () => {
  await t.drop();
});

const request = { ip: "10.0.0.9", userAgent: "test", requestId: "req-review-1", traceId: null };
const ROLE_OF: Record<string, string> = { admin: "admin", admin2: "admin" };
const by = (name: string, role = ROLE_OF[name] ?? "auditor"): ReviewInput["reviewer"] => ({ id: ids[name]!, email: `${name}@demo.test`, role });
const review = (reviewer: string, subject: string, decision: "keep" | "revoke", note = "") =>
  recordReview(t.sql, { reviewer: by(reviewer), subjectId: ids[subject]!, decision, note, period: "quarter", request });

const revokeAsAdmin = (reviewer: string, subject: string) =>
  recordReview(t.sql, { reviewer: by(reviewer, "admin"), subjectId: ids[subject]!, decision: "revoke", note: "", period: "quarter", request });

async function disabled(name: string) {
  const [row] = await t.sql<{ disabled: boolean }[]>`SELECT disabled FROM users WHERE id = ${ids[name]!}`;
  return row!.disabled;
}

describe("access reviews", () => {
  it("lists every active user with a role as due before any review", async () => {
    const status = await reviewStatus(t.sql);
    expect(status.map((s) => s.email).sort()).toEqual(["admin2@demo.test", "admin@demo.test", "auditor@demo.test", "investigator@demo.test", "viewer@demo.test"]);
    expect(status.every((s) => s.due && s.lastReview === null)).toBe(true);
  });

  it("keep: records the decision for the period, leaves the user active and no longer due", async () => {
    const result = await review("auditor", "investigator", "keep", "still on call rota");
    expect(result.outcome).toBe("kept");
    expect(await disabled("investigator")).toBe(false);
    const [row] = await t.sql`SELECT * FROM access_reviews WHERE id = ${result.reviewId}`;
    expect(row).toMatchObject({ reviewer_email: "auditor@demo.test", subject_email: "investigator@demo.test", subject_role: "investigator", decision: "keep", note: "still on call rota", period_label: result.periodLabel });
    const status = await reviewStatus(t.sql);
    expect(status.find((s) => s.email === "investigator@demo.test")).toMatchObject({ due: false, lastReview: { decision: "keep", reviewerEmail: "auditor@demo.test" } });
  });

  it("revoke of a tenant viewer: disables the user and audits the change with old and new values, in one transaction", async () => {
    const before = await t.sql`SELECT coalesce(max(seq), 0)::int AS s FROM audit_log`;
    const result = await review("auditor", "viewer", "revoke", "left the team");
    expect(result.outcome).toBe("revoked");
    expect(await disabled("viewer")).toBe(true);
    const rows = await t.sql`SELECT action, actor_email, outcome, details FROM audit_log WHERE seq > ${before[0]!.s}`;
    expect(rows).toEqual([
      expect.objectContaining({
        action: "admin.user.disable",
        actor_email: "auditor@demo.test",
        outcome: "success",
        details: { user: "viewer@demo.test", via: "access review", reviewId: result.reviewId, old: { disabled: false }, new: { disabled: true } },
      }),
    ]);
    expect((await verifyAuditChain(t.sql)).firstBroken).toBeNull();
    expect((await reviewStatus(t.sql)).map((s) => s.email)).not.toContain("viewer@demo.test");
  });

  it("refuses self-review, and the database refuses it too", async () => {
    await expect(review("auditor", "auditor", "keep")).rejects.toThrow(ReviewRefused);
    await expect(review("auditor", "auditor", "keep")).rejects.toThrow(/own access/);
    await expect(
      t.sql`INSERT INTO access_reviews (reviewer_id, reviewer_email, subject_id, subject_email, subject_role, decision, period_label, period_from, period_to)
            VALUES (${ids.auditor!}, 'a', ${ids.auditor!}, 'a', 'auditor', 'keep', 'x', now() - interval '1 day', now())`,
    ).rejects.toThrow(/access_reviews_not_self/);
  });

  it("refuses users without a role, unknown users, already disabled users, and the last admin's revocation", async () => {
    await expect(review("auditor", "norole", "keep")).rejects.toMatchObject({ reason: "no-role" });
    await expect(recordReview(t.sql, { reviewer: by("auditor"), subjectId: "00000000-0000-4000-8000-000000000999", decision: "keep", note: "", period: "quarter", request })).rejects.toMatchObject({ reason: "unknown-subject" });
    await expect(review("auditor", "viewer", "keep")).rejects.toMatchObject({ reason: "disabled" });
    await review("admin", "admin2", "revoke");
    // A reviewer who may revoke at once (an admin's role) still cannot remove the last admin.
    await expect(revokeAsAdmin("auditor", "admin")).rejects.toMatchObject({ reason: "last-admin" });
    expect(await disabled("admin")).toBe(false);
  });

  it("a refused review changes nothing", async () => {
    const [before] = await t.sql`SELECT (SELECT count(*) FROM access_reviews)::int AS r, (SELECT count(*) FROM audit_log)::int AS a`;
    await expect(revokeAsAdmin("auditor", "admin")).rejects.toThrow(ReviewRefused);
    const [after] = await t.sql`SELECT (SELECT count(*) FROM access_reviews)::int AS r, (SELECT count(*) FROM audit_log)::int AS a`;
    expect(after).toEqual(before);
  });

  it("keeps reviews append-only", async () => {
    await expect(t.sql`UPDATE access_reviews SET decision = 'keep'`).rejects.toThrow(/append-only/);
    await expect(t.sql`DELETE FROM access_reviews`).rejects.toThrow(/append-only/);
    await expect(t.sql`TRUNCATE access_reviews`).rejects.toThrow(/append-only/);
  });

  it("'since last review' covers the time from the subject's previous review", async () => {
    const [last] = await t.sql<{ at: Date }[]>`SELECT at FROM access_reviews WHERE subject_id = ${ids.investigator!} ORDER BY at DESC LIMIT 1`;
    const result = await recordReview(t.sql, { reviewer: by("admin", "admin"), subjectId: ids.investigator!, decision: "keep", note: "", period: "since-last", request });
    const [row] = await t.sql<{ period_from: Date }[]>`SELECT period_from FROM access_reviews WHERE id = ${result.reviewId}`;
    expect(row!.period_from).toEqual(last!.at);
  });
});
