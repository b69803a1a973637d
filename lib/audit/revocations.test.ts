import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { ReviewRefused, submitReview, type ReviewInput } from "./review";
import { resolveRevocation } from "./revocations";
import { verifyAuditChain } from "./verify";

// Issue 15 item 7: an auditor could disable any user, admins included, and a self-review with
// the id in upper case ended in an exception with no outcome row. Every attempt below must
// end with exactly one outcome row (success or failure) besides nothing else.

let t: TestDatabase;
const ids: Record<string, string> = {};
const request = { ip: "10.0.0.9", userAgent: "test", requestId: "req-sod", traceId: null };
const ROLES = { admin: "admin", admin2: "admin", auditor: "auditor", auditor2: "auditor", investigator: "investigator", viewer: "tenant_viewer" } as const;
type Name = keyof typeof ROLES;

beforeAll(async () => {
  t = await createTestDatabase();
  for (const [name, role] of Object.entries(ROLES)) {
    const [row] = await t.sql<{ id: string }[]>`INSERT INTO users (email, name, role) VALUES (${`${name}@demo.test`}, ${name}, ${role}) RETURNING id`;
    ids[name] = row!.id;
  }
});
afterAll(async () => {
  await t.drop();
});

const who = (name: Name) => ({ id: ids[name]!, email: `${name}@demo.test`, role: ROLES[name] as string });
const review = (reviewer: Name, subjectId: string, decision: ReviewInput["decision"] = "revoke", note = "") =>
  submitReview(t.sql, { reviewer: who(reviewer), subjectId, decision, note, period: "quarter", request });
const resolve = (admin: Name, pendingId: number, confirm: boolean) => resolveRevocation(t.sql, { admin: who(admin), pendingId, confirm, request });

/** The audit rows `attempt` wrote, whatever it did. */
async function rowsOf(attempt: () => Promise<unknown>) {
  const [{ s }] = (await t.sql`SELECT coalesce(max(seq), 0)::int AS s FROM audit_log`) as unknown as [{ s: number }];
  await attempt().catch(() => undefined);
  return t.sql<{ action: string; outcome: string; details: Record<string, unknown> }[]>`SELECT action, outcome, details FROM audit_log WHERE seq > ${s} ORDER BY seq`;
}
const disabled = async (name: Name) => (await t.sql<{ disabled: boolean }[]>`SELECT disabled FROM users WHERE id = ${ids[name]!}`)[0]!.disabled;

describe("self-review is refused by id, in any letter case", () => {
  it.each([(id: string) => id.toUpperCase(), (id: string) => id.replace(/[a-f]/g, (c, i: number) => (i % 2 ? c.toUpperCase() : c))])("%#", async (spell) => {
    await expect(review("auditor", spell(ids.auditor!), "keep")).rejects.toMatchObject({ reason: "self-review" });
    const rows = await rowsOf(() => review("auditor", spell(ids.auditor!), "keep"));
    expect(rows).toEqual([expect.objectContaining({ action: "audit.review", outcome: "failure", details: expect.objectContaining({ reason: "self-review" }) })]);
  });
});

describe("an auditor's revoke of more than a tenant viewer waits for an admin", () => {
  let pendingId: number;

  it("revoking an investigator disables nobody and opens one pending revocation, with one success row", async () => {
    let result: Awaited<ReturnType<typeof review>> | undefined;
    const rows = await rowsOf(async () => (result = await review("auditor", ids.investigator!)));
    expect(result).toMatchObject({ outcome: "pending" });
    pendingId = result!.pendingId!;
    expect(await disabled("investigator")).toBe(false);
    expect(rows).toEqual([expect.objectContaining({ action: "audit.review", outcome: "success", details: expect.objectContaining({ decision: "revoke", pendingRevocation: pendingId }) })]);
  });

  it("a second request for the same user is refused, with one failure row", async () => {
    const rows = await rowsOf(() => review("auditor2", ids.investigator!));
    expect(rows).toEqual([expect.objectContaining({ outcome: "failure", details: expect.objectContaining({ reason: "already-pending" }) })]);
  });

  it("an auditor cannot confirm it; the requester cannot either", async () => {
    await expect(resolve("auditor2", pendingId, true)).rejects.toMatchObject({ reason: "not-admin" });
    expect(await disabled("investigator")).toBe(false);
  });

  it("an admin confirms: the user is disabled with one admin.user.disable row; a second decision is refused", async () => {
    const rows = await rowsOf(() => resolve("admin", pendingId, true));
    expect(await disabled("investigator")).toBe(true);
    expect(rows).toEqual([
      expect.objectContaining({ action: "admin.user.disable", outcome: "success", details: expect.objectContaining({ pendingRevocation: pendingId, requestedBy: "auditor@demo.test", new: { disabled: true } }) }),
    ]);
    const again = await rowsOf(() => resolve("admin2", pendingId, false));
    expect(again).toEqual([expect.objectContaining({ action: "admin.revocation.resolve", outcome: "failure", details: expect.objectContaining({ reason: "not-pending" }) })]);
    await expect(t.sql`UPDATE pending_revocations SET status = 'rejected' WHERE id = ${pendingId}`).rejects.toThrow(/resolved, once/);
    await expect(t.sql`DELETE FROM pending_revocations WHERE id = ${pendingId}`).rejects.toThrow(/resolved, once/);
  });

  it("revoking an admin waits too; that admin cannot decide their own, another admin rejects it", async () => {
    const result = await review("auditor", ids.admin!);
    expect(result.outcome).toBe("pending");
    expect(await disabled("admin")).toBe(false);
    await expect(resolve("admin", result.pendingId!, false)).rejects.toMatchObject({ reason: "self-review" });
    const rows = await rowsOf(() => resolve("admin2", result.pendingId!, false));
    expect(rows).toEqual([expect.objectContaining({ action: "admin.revocation.reject", outcome: "success" })]);
    expect(await disabled("admin")).toBe(false);
  });

  it("an auditor still revokes a tenant viewer at once", async () => {
    const result = await review("auditor", ids.viewer!);
    expect(result.outcome).toBe("revoked");
    expect(await disabled("viewer")).toBe(true);
  });
});

describe("every attempt ends with exactly one outcome row", () => {
  it("keep writes one success row", async () => {
    const rows = await rowsOf(() => review("auditor", ids.auditor2!, "keep"));
    expect(rows).toEqual([expect.objectContaining({ action: "audit.review", outcome: "success", details: expect.objectContaining({ decision: "keep" }) })]);
  });

  it("an unexpected failure (the database refuses the row) writes one failure row and changes nothing", async () => {
    const [before] = await t.sql`SELECT count(*)::int AS n FROM access_reviews`;
    const rows = await rowsOf(() => review("auditor", ids.auditor2!, "keep", "x".repeat(3000)));
    expect(rows).toEqual([expect.objectContaining({ action: "audit.review", outcome: "failure", details: expect.objectContaining({ reason: "error" }) })]);
    const [after] = await t.sql`SELECT count(*)::int AS n FROM access_reviews`;
    expect(after).toEqual(before);
    await expect(review("auditor", ids.auditor2!, "keep", "x".repeat(3000))).rejects.not.toBeInstanceOf(ReviewRefused);
  });

  it("the chain still verifies", async () => {
    expect((await verifyAuditChain(t.sql)).firstBroken).toBeNull();
  });
});
