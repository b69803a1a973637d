import os from "node:os";
import { parseArgs } from "node:util";
import { z } from "zod";
import { makeDb, type Db } from "../db/connect";
import { isTransientDatabaseError } from "../db/errors";
import { eq } from "drizzle-orm";
import { auditLog, ingestKeys } from "../db/schema";
import { auditRowOf, type AuditRecord } from "../lib/audit/record";
import { createIngestKey, IngestKeyError, listIngestKeys, revokeIngestKey } from "../lib/ingest/otlp-http/keys";
import { cliAuditKey } from "./startup/cli-audit-key";
import { cliDatabaseUrl, NoDatabaseError } from "./startup/cli-database";

const USAGE = `Usage:
  npm run ingest-key -- create --tenant <tenant id> [--name <name>]   a key that writes one tenant
  npm run ingest-key -- create --platform [--name <name>]             a collector key for any tenant
  npm run ingest-key -- list
  npm run ingest-key -- revoke <key id>

The database is DATABASE_URL, or the one \`npm run dev\` / \`npm start\` wrote to .data/database-url.`;

class UsageError extends Error {}

const command = z.discriminatedUnion("command", [
  z.object({ command: z.literal("create"), tenant: z.string().optional(), platform: z.boolean(), name: z.string().optional() })
    .refine((c) => (c.tenant === undefined) !== !c.platform, { message: "create needs exactly one of --tenant <id> or --platform." }),
  z.object({ command: z.literal("list") }),
  z.object({ command: z.literal("revoke"), id: z.string({ error: "revoke needs the id of the key (see `list`)." }) }),
]);

function parse(argv: string[]): z.infer<typeof command> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { tenant: { type: "string" }, platform: { type: "boolean", default: false }, name: { type: "string" } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [name, ...rest] = parsed.positionals;
  const [id, ...extra] = name === "revoke" ? rest : [undefined, ...rest];
  if (extra.length > 0) throw new UsageError(`Unexpected arguments: ${extra.join(" ")}`);
  const result = command.safeParse({ command: name, id, ...parsed.values });
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UsageError(issue?.code === "invalid_union" || issue?.path[0] === "command" ? `Unknown command "${name ?? ""}".` : (issue?.message ?? "Invalid arguments."));
  }
  return result.data;
}

function databaseUrl(): string {
  try {
    return cliDatabaseUrl();
  } catch (error) {
    throw error instanceof NoDatabaseError ? new UsageError(error.message) : error;
  }
}

/**
 * The audit row of a key change made from the command line, like the admin page's
 * (admin.key.create / admin.key.revoke, old and new): no signed-in user, so the operating
 * system account and host say who ran it.
 */
function cliAudit(action: "admin.key.create" | "admin.key.revoke", outcome: AuditRecord["outcome"], change: { resource: string; tenants: string[]; details: Record<string, unknown> }) {
  return auditRowOf({
    actor: { id: null, email: null, role: null },
    action,
    resource: change.resource,
    tenants: change.tenants,
    outcome,
    details: { via: "npm run ingest-key", osUser: os.userInfo().username, host: os.hostname(), ...change.details },
    request: { ip: null, userAgent: "trace-explorer-ingest-key", requestId: null, traceId: null },
  });
}

// createIngestKey and revokeIngestKey only select, insert and update: a transaction serves them
// as the client does, so the key change and its audit row commit together or not at all.
const asDb = (tx: unknown) => tx as Db;

const date = (d: Date | null) => (d ? d.toISOString().replace("T", " ").slice(0, 19) : "—");

async function run(db: Db, cmd: z.infer<typeof command>): Promise<void> {
  switch (cmd.command) {
    case "create": {
      const tenantId = cmd.platform ? null : cmd.tenant!;
      const created = await db
        .transaction(async (tx) => {
          const key = await createIngestKey(asDb(tx), { tenantId, name: cmd.name });
          const identity = { name: key.name, prefix: key.prefix, tenantId: key.tenantId, platform: key.tenantId === null };
          await tx.insert(auditLog).values(cliAudit("admin.key.create", "success", { resource: `ingest_key:${key.id}`, tenants: key.tenantId ? [key.tenantId] : [], details: { old: null, new: identity } }));
          return key;
        })
        .catch(async (error: unknown) => {
          if (error instanceof IngestKeyError) await db.insert(auditLog).values(cliAudit("admin.key.create", "failure", { resource: "ingest_key", tenants: tenantId ? [tenantId] : [], details: { reason: error.message } }));
          throw error;
        });
      console.log(`Created ${created.tenantId ? `a key for tenant ${created.tenantId}` : "a platform collector key"}: "${created.name}" (id ${created.id}).`);
      console.log("The key is shown once; store it now:\n");
      console.log(`  ${created.key}\n`);
      console.log(`Exporters send it as: Authorization: Bearer ${created.prefix}…`);
      return;
    }
    case "list": {
      const keys = await listIngestKeys(db);
      if (keys.length === 0) {
        console.log("No ingest keys yet. Create one with: npm run ingest-key -- create --tenant <id>");
        return;
      }
      for (const k of keys) {
        const state = k.revokedAt ? `revoked ${date(k.revokedAt)}` : "active";
        console.log(`${k.id}  ${k.prefix}…  ${(k.tenantId ?? "(platform)").padEnd(16)} ${state.padEnd(28)} last used ${date(k.lastUsedAt)}  ${k.name}`);
      }
      return;
    }
    case "revoke": {
      const revoked = await db.transaction(async (tx) => {
        if (!(await revokeIngestKey(asDb(tx), cmd.id))) return false;
        const [key] = await tx.select().from(ingestKeys).where(eq(ingestKeys.id, cmd.id));
        const identity = { name: key!.name, prefix: key!.prefix, tenantId: key!.tenantId };
        const change = { old: { ...identity, revokedAt: null }, new: { ...identity, revokedAt: key!.revokedAt!.toISOString() } };
        await tx.insert(auditLog).values(cliAudit("admin.key.revoke", "success", { resource: `ingest_key:${cmd.id}`, tenants: key!.tenantId ? [key!.tenantId] : [], details: change }));
        return true;
      });
      if (!revoked) {
        await db.insert(auditLog).values(cliAudit("admin.key.revoke", "failure", { resource: `ingest_key:${cmd.id}`, tenants: [], details: { reason: "no active key with this id" } }));
        throw new UsageError(`No active key with id ${cmd.id} (see \`list\`).`);
      }
      console.log(`Revoked key ${cmd.id}: exports with it are refused from now on.`);
      return;
    }
  }
}

/** One line for the terminal: our own errors as they are, the database's by its root cause. */
function describe(error: unknown): string {
  if (error instanceof UsageError || error instanceof IngestKeyError) return error.message;
  // drizzle wraps the driver's error in "Failed query: <sql>"; the cause is what matters.
  let root = error;
  while (root instanceof Error && root.cause) root = root.cause;
  const code = (root as { code?: string }).code;
  const message = root instanceof Error ? root.message : String(root);
  if (isTransientDatabaseError(root)) return `Cannot reach the database: ${message}`;
  return `Failed: ${message}${code ? ` (${code})` : ""}`;
}

async function main(): Promise<void> {
  let cmd;
  try {
    cmd = parse(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  let db: Db | undefined;
  try {
    if (cmd.command !== "list" && !cliAuditKey()) {
      throw new UsageError("AUDIT_HMAC_KEY is not set (nor .data/audit-hmac.secret): the key change's audit row could not be keyed, so nothing was changed.");
    }
    db = makeDb(databaseUrl(), { max: 1, applicationName: "trace-explorer-ingest-key" });
    await run(db, cmd);
  } catch (error) {
    console.error(describe(error));
    process.exitCode = 1;
  } finally {
    await db?.$client.end({ timeout: 5 });
  }
}

void main();
