import path from "node:path";
import { parseArgs } from "node:util";
import { connect } from "../db/connect";
import { lastRecordedHead, parseRecordedHead, type RecordedHead } from "../lib/audit/head";
import { verifyAuditLog } from "../lib/audit/verify";
import { cliAuditKey } from "./startup/cli-audit-key";
import { cliDatabaseUrl, NoDatabaseError } from "./startup/cli-database";

const USAGE = `Usage: npm run audit:verify -- [--head '<seq>:<mac>' | --head '<JSON from /api/audit/head>'] [--head-file <file>]

Checks the audit log's hash chain and, with AUDIT_HMAC_KEY (or the embedded default's
.data/audit-hmac.secret), each row's MAC and a head recorded earlier (default: the last line
of .data/audit-head.jsonl). Exit 0 intact, 1 broken, 2 cannot check.`;

// `npm run audit:verify`: exit 1 names the first broken row.
function options(): { url: string; key: string | null; head: RecordedHead | null; headSource: string | null } {
  const { values } = parseArgs({ options: { head: { type: "string" }, "head-file": { type: "string" } } });
  const url = cliDatabaseUrl();
  const dataDir = path.resolve(process.env.TE_DATA_DIR ?? ".data");
  const key = cliAuditKey();
  if (values.head) return { url, key, head: parseRecordedHead(values.head), headSource: "--head" };
  const headFile = values["head-file"] ?? process.env.AUDIT_HEAD_FILE ?? path.join(dataDir, "audit-head.jsonl");
  const head = lastRecordedHead(headFile);
  return { url, key, head, headSource: head ? headFile : null };
}

let opts: ReturnType<typeof options>;
try {
  opts = options();
} catch (error) {
  console.error(error instanceof NoDatabaseError ? error.message : `${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
const sql = connect(opts.url, { max: 1, applicationName: "trace-explorer-audit-verify" });
try {
  if (!opts.key) console.warn("No AUDIT_HMAC_KEY: checking hashes only, which whoever can write the table can recompute.");
  if (opts.head && !opts.key) console.warn("A recorded head needs the key to be checked; ignoring it.");
  const report = await verifyAuditLog(sql, { key: opts.key, head: opts.head });
  const keyed = report.keyed ? ` ${report.keyed.rows} keyed${report.keyed.unkeyed ? `, ${report.keyed.unkeyed} older rows without a MAC` : ""}.` : "";
  const head = opts.key && opts.head ? ` Recorded head seq ${opts.head.seq} (${opts.headSource}) checked.` : "";
  if (report.firstBroken) {
    const { seq, id, reason } = report.firstBroken;
    console.error(`Audit chain BROKEN at seq ${seq}${id === null ? "" : ` (row id ${id})`}: ${reason}. ${report.rows} rows checked.${keyed}`);
    process.exitCode = 1;
  } else {
    console.log(`Audit chain intact: ${report.rows} rows checked.${keyed}${head}`);
  }
} catch (error) {
  console.error(`Could not verify the audit log: ${(error as Error).message}`);
  process.exitCode = 2;
} finally {
  await sql.end({ timeout: 2 });
}
