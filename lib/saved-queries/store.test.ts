import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type Sql } from "@/db/connect";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { provisionAppRole } from "@/db/app-role";
import { MAX_SAVED_QUERIES } from "./input";
import { deleteSavedQuery, listSavedQueries, saveQuery, type SavedQueryContext } from "./store";

// Issue 18 item 12: saved queries per user. Everything runs on a te_app login, as the app does,
// so row-level security (migration 0019) is in force, not only the queries' own user filter.

let t: TestDatabase;
let app: Sql;
let ann: SavedQueryContext;
let bob: SavedQueryContext;
const REQUEST = { ip: "10.0.0.1", userAgent: "vitest", requestId: null, traceId: null };

async function user(email: string): Promise<SavedQueryContext> {
  const [row] = await t.sql<{ id: string }[]>`INSERT INTO users (email, name, role) VALUES (${email}, ${email}, 'investigator') RETURNING id`;
  return { actor: { id: row!.id, email, role: "investigator" }, request: REQUEST };
}

async function auditRows(actorId: string) {
  return t.sql<{ action: string; outcome: string; resource: string; details: Record<string, unknown> }[]>`
    SELECT action, outcome, resource, details FROM audit_log WHERE actor_id = ${actorId} ORDER BY seq`;
}

async function storedRows() {
  return t.sql<{ userId: string; name: string; url: string }[]>`SELECT user_id AS "userId", name, url FROM saved_queries ORDER BY name`;
}

beforeAll(async () => {
  t = await createTestDatabase();
  app = connect(await provisionAppRole(t.url, randomBytes(32).toString("base64url")), { max: 2 });
  ann = await user("ann@demo.test");
  bob = await user("bob@demo.test");
});
afterAll(async () => {
  await app.end({ timeout: 5 });
  await t.drop();
});

describe("saved queries", () => {
  it("round trip: save, list, rename's twin replaces the URL, delete; every write audited with old and new", async () => {
    const saved = await saveQuery(app, ann, { name: "  Slow checkout ", url: "/traces?service=checkout&minDuration=1s" });
    expect(saved).toMatchObject({ ok: true, value: { name: "Slow checkout", url: "/traces?service=checkout&minDuration=1s" } });
    await saveQuery(app, ann, { name: "Billing errors", url: "/traces?service=billing&status=error&range=7d" });
    expect((await listSavedQueries(app, ann.actor.id)).map((q) => q.name)).toEqual(["Billing errors", "Slow checkout"]);

    const again = await saveQuery(app, ann, { name: "Slow checkout", url: "/traces?service=checkout&minDuration=2s" });
    expect(again.ok && again.value.id).toBe(saved.ok && saved.value.id);
    expect((await listSavedQueries(app, ann.actor.id)).find((q) => q.name === "Slow checkout")!.url).toBe("/traces?service=checkout&minDuration=2s");

    expect(await deleteSavedQuery(app, ann, { id: saved.ok ? saved.value.id : "" })).toEqual({ ok: true, value: null });
    expect((await listSavedQueries(app, ann.actor.id)).map((q) => q.name)).toEqual(["Billing errors"]);

    const audit = await auditRows(ann.actor.id);
    expect(audit.map((a) => [a.action, a.outcome])).toEqual([
      ["saved_query.save", "success"],
      ["saved_query.save", "success"],
      ["saved_query.save", "success"],
      ["saved_query.delete", "success"],
    ]);
    expect(audit[2]!.details).toMatchObject({
      old: { name: "Slow checkout", url: "/traces?service=checkout&minDuration=1s" },
      new: { name: "Slow checkout", url: "/traces?service=checkout&minDuration=2s" },
    });
    expect(audit[3]!.resource).toBe(`saved_query:${saved.ok && saved.value.id}`);
  });

  it("another user neither sees nor deletes them, and the attempt is audited as a failure", async () => {
    const [mine] = await listSavedQueries(app, ann.actor.id);
    expect(await listSavedQueries(app, bob.actor.id)).toEqual([]);
    expect(await deleteSavedQuery(app, bob, { id: mine!.id })).toEqual({ ok: false, error: "That saved query does not exist." });
    expect(await listSavedQueries(app, ann.actor.id)).toEqual([mine]);
    expect((await auditRows(bob.actor.id)).map((a) => [a.action, a.outcome])).toEqual([["saved_query.delete", "failure"]]);
    // Bob saving under Ann's name makes his own row; hers is untouched.
    await saveQuery(app, bob, { name: mine!.name, url: "/latency" });
    expect(await listSavedQueries(app, ann.actor.id)).toEqual([mine]);
  });

  it("row-level security alone keeps te_app to the transaction's user, without any user filter", async () => {
    const asBob = <T>(fn: (tx: Sql) => Promise<T>) =>
      app.begin(async (tx) => {
        await tx`SELECT set_config('app.user_id', ${bob.actor.id}, true)`;
        return fn(tx as unknown as Sql);
      });
    const seen = await asBob((tx) => tx<{ userId: string }[]>`SELECT user_id AS "userId" FROM saved_queries`);
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen.map((r) => r.userId))).toEqual(new Set([bob.actor.id]));
    const changed = await asBob((tx) => tx`UPDATE saved_queries SET url = '/hijacked' WHERE user_id = ${ann.actor.id}`);
    expect(changed.count).toBe(0);
    const deleted = await asBob((tx) => tx`DELETE FROM saved_queries WHERE user_id = ${ann.actor.id}`);
    expect(deleted.count).toBe(0);
    await expect(asBob((tx) => tx`INSERT INTO saved_queries (user_id, name, url) VALUES (${ann.actor.id}, 'planted', '/traces')`)).rejects.toThrow(/row-level security/);
    // No user named: nothing at all.
    expect(await app`SELECT * FROM saved_queries`).toHaveLength(0);
    expect((await storedRows()).filter((r) => r.userId === ann.actor.id).map((r) => r.url)).not.toContain("/hijacked");
  });

  it("refuses a URL that is not a relative app path, and bad names, changing nothing", async () => {
    const before = await storedRows();
    const badUrls = [
      "https://evil.example/traces",
      "//evil.example/traces",
      "/\\evil.example/traces",
      "\\\\evil.example",
      "javascript:alert(1)",
      "traces?service=x",
      "/traces?service=x\nSet-Cookie: a=b",
      "/traces\u0000",
      "",
      `/traces?q=${"x".repeat(2000)}`,
    ];
    for (const url of badUrls) {
      const result = await saveQuery(app, ann, { name: "bad", url });
      expect(result.ok, url).toBe(false);
    }
    expect(await saveQuery(app, ann, { name: "bad", url: "https://evil.example" })).toEqual({ ok: false, error: "url: must be a path of this app, like /traces?service=web" });
    for (const name of ["", "   ", "x".repeat(101), "tab\there"]) {
      expect((await saveQuery(app, ann, { name, url: "/traces" })).ok, name).toBe(false);
    }
    expect(await saveQuery(app, ann, { url: "/traces" })).toMatchObject({ ok: false });
    expect(await deleteSavedQuery(app, ann, { id: "1 OR 1=1" })).toMatchObject({ ok: false, error: "id: is not a saved query id" });
    expect(await storedRows()).toEqual(before);
    const failures = (await auditRows(ann.actor.id)).filter((a) => a.outcome === "failure");
    expect(failures).toHaveLength(badUrls.length + 1 + 4 + 1 + 1);
    // The table refuses them too, whoever writes.
    for (const url of ["//evil.example", "/\\evil.example", "https://evil.example"]) {
      await expect(t.sql`INSERT INTO saved_queries (user_id, name, url) VALUES (${ann.actor.id}, 'direct', ${url})`).rejects.toThrow(/saved_queries_url_relative/);
    }
  });

  it("keeps a user to the limit of saved queries, also when saving in parallel", async () => {
    const carl = await user("carl@demo.test");
    const attempts = Array.from({ length: MAX_SAVED_QUERIES + 5 }, (_, i) => saveQuery(app, carl, { name: `q${i}`, url: `/traces?q=${i}` }));
    const results = await Promise.all(attempts);
    expect(results.filter((r) => r.ok)).toHaveLength(MAX_SAVED_QUERIES);
    expect(await listSavedQueries(app, carl.actor.id)).toHaveLength(MAX_SAVED_QUERIES);
    // Replacing an existing one's URL is still allowed at the limit.
    expect((await saveQuery(app, carl, { name: "q0", url: "/traces?q=new" })).ok).toBe(true);
  });
});
