import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TransactionSql } from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definersSkippingTenantRule, liveFunctions, liveGrants, livePolicies, liveTriggers } from "../testing/definitions";
import { createTestDatabase, type TestDatabase } from "../testing/test-db";

/**
 * db/sql/*.sql say what the migrations leave in the database beyond tables and indexes (those
 * are db/schema*.ts, see db/declared-schema.test.ts). Each comparison runs on a freshly migrated
 * database; the attacks change the database in a transaction that is rolled back.
 */

/** SECURITY DEFINER functions that read a tenant table without the tenant rule, and why that is safe. */
const TENANT_RULE_EXEMPT: readonly string[] = [];

const normalise = (text: string) => text.replace(/\s+/g, " ").trim();

interface Documented {
  /** Keyed by the first line of the definition, as the test prints a missing one. */
  functions: Map<string, string>;
  policies: string[];
  triggers: string[];
  grants: string[];
  unknown: string[];
}

function readDocumented(): Documented {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  const text = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .map((f) => fs.readFileSync(path.join(dir, f), "utf8"))
    .join("\n");
  const documented: Documented = { functions: new Map(), policies: [], triggers: [], grants: [], unknown: [] };
  // Function bodies first: they hold semicolons and comments of their own.
  const rest = text.replace(/CREATE OR REPLACE FUNCTION[\s\S]*?\$function\$[\s\S]*?\$function\$/g, (def) => {
    documented.functions.set(normalise(def.split("\n")[0]!), normalise(def));
    return "";
  });
  const statements = rest
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("--"))
    .join("\n")
    .split(";")
    .map(normalise)
    .filter(Boolean)
    .map((s) => `${s};`);
  for (const s of statements) {
    if (/^(CREATE POLICY|ALTER TABLE)/.test(s)) documented.policies.push(s);
    else if (s.startsWith("CREATE TRIGGER")) documented.triggers.push(s);
    else if (/^(GRANT|CREATE ROLE|ALTER DEFAULT PRIVILEGES)/.test(s)) documented.grants.push(s);
    else documented.unknown.push(s);
  }
  return documented;
}

/** Every function that differs, is missing or is extra, with the database's definition to copy. */
function functionDifferences(live: Map<string, string>, documented: Map<string, string>): string[] {
  const differences: string[] = [];
  for (const [header, def] of live) {
    const mine = documented.get(normalise(header));
    if (mine === undefined) differences.push(`not in db/sql: ${header}\n${def}`);
    else if (mine !== normalise(def)) differences.push(`differs from db/sql: ${header}\nthe database has:\n${def}`);
  }
  const liveHeaders = new Set([...live.keys()].map(normalise));
  for (const header of documented.keys()) if (!liveHeaders.has(header)) differences.push(`in db/sql but not in the database: ${header}`);
  return differences;
}

const sorted = (lines: string[]) => lines.map(normalise).sort();

let t: TestDatabase;
const documented = readDocumented();

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

class Rollback extends Error {}

/** Runs `fn` after `attack` in a transaction that is always rolled back. */
async function afterAttack<T>(attack: (tx: TransactionSql) => Promise<unknown>, fn: (tx: TransactionSql) => Promise<T>): Promise<T> {
  let result: T | undefined;
  await t.sql
    .begin(async (tx) => {
      await attack(tx);
      result = await fn(tx);
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return result as T;
}

const noAttack = async () => undefined;

describe("db/sql: the definitions a migrated database holds", () => {
  it("holds only statements the test knows how to compare", () => {
    expect(documented.unknown).toEqual([]);
    expect(documented.functions.size).toBeGreaterThan(20);
  });

  it("every function, as Postgres prints it", async () => {
    expect(await afterAttack(noAttack, async (tx) => functionDifferences(await liveFunctions(tx), documented.functions))).toEqual([]);
  });

  it("row-level security and every policy", async () => {
    expect(await afterAttack(noAttack, livePolicies)).toEqual(sorted(documented.policies));
  });

  it("every trigger", async () => {
    expect(await afterAttack(noAttack, liveTriggers)).toEqual(sorted(documented.triggers));
  });

  it("the app roles, their memberships and every grant to them", async () => {
    expect(await afterAttack(noAttack, liveGrants)).toEqual(sorted(documented.grants));
  });

  it("every SECURITY DEFINER function that reads a tenant table applies the tenant rule", async () => {
    expect(await afterAttack(noAttack, (tx) => definersSkippingTenantRule(tx, TENANT_RULE_EXEMPT))).toEqual([]);
    // An exemption that no longer applies would hide the next function of that name.
    expect(await afterAttack(noAttack, (tx) => definersSkippingTenantRule(tx, []))).toEqual([...TENANT_RULE_EXEMPT]);
  });
});

describe("db/sql: a migration that changes a definition without the file fails", () => {
  it("a function whose body changed", async () => {
    const differences = await afterAttack(
      (tx) => tx`
        CREATE OR REPLACE FUNCTION app_tenant_visible(tenant text) RETURNS boolean
        LANGUAGE plpgsql STABLE AS $$ BEGIN RETURN true; END $$`,
      async (tx) => functionDifferences(await liveFunctions(tx), documented.functions),
    );
    const changed = differences.filter((d) => d.includes("public.app_tenant_visible("));
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatch(/^differs from db\/sql: CREATE OR REPLACE FUNCTION public\.app_tenant_visible\(tenant text\)/);
    expect(changed[0]).toContain("RETURN true");
  });

  it("a function added, one dropped", async () => {
    const differences = await afterAttack(
      async (tx) => {
        await tx`CREATE FUNCTION hand_written() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$`;
        await tx`DROP FUNCTION rollup_merge_weights(smallint[], float8[], smallint[], float8[])`;
      },
      async (tx) => functionDifferences(await liveFunctions(tx), documented.functions),
    );
    expect(differences.map((d) => d.split("\n")[0])).toEqual(
      expect.arrayContaining([
        "not in db/sql: CREATE OR REPLACE FUNCTION public.hand_written()",
        "in db/sql but not in the database: CREATE OR REPLACE FUNCTION public.rollup_merge_weights(ab smallint[], aw double precision[], bb smallint[], bw double precision[])",
      ]),
    );
  });

  it("a policy, row-level security, a trigger and a grant", async () => {
    const attack = async (tx: TransactionSql) => {
      await tx`ALTER POLICY traces_reader ON traces USING (true)`;
      await tx`ALTER TABLE scopes NO FORCE ROW LEVEL SECURITY`;
      await tx`DROP TRIGGER audit_log_chain ON audit_log`;
      await tx`GRANT DELETE ON audit_log TO te_app`;
    };
    expect(await afterAttack(attack, livePolicies)).not.toEqual(sorted(documented.policies));
    expect(await afterAttack(attack, livePolicies)).toContain("CREATE POLICY traces_reader ON traces FOR SELECT TO te_reader USING (true);");
    expect(await afterAttack(attack, livePolicies)).not.toContain("ALTER TABLE scopes FORCE ROW LEVEL SECURITY;");
    expect(await afterAttack(attack, liveTriggers)).toEqual(
      sorted(documented.triggers).filter((s) => !s.startsWith("CREATE TRIGGER audit_log_chain ")),
    );
    expect(await afterAttack(attack, liveGrants)).toContain("GRANT SELECT, INSERT, DELETE ON TABLE audit_log TO te_app;");
  });

  it("a SECURITY DEFINER function that reads a tenant table without the tenant rule", async () => {
    const skipping = await afterAttack(
      (tx) => tx`
        CREATE FUNCTION leaky_trace_count() RETURNS bigint
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
        AS $$ SELECT count(*) FROM traces $$`,
      (tx) => definersSkippingTenantRule(tx, TENANT_RULE_EXEMPT),
    );
    expect(skipping).toEqual(["leaky_trace_count"]);
  });
});
