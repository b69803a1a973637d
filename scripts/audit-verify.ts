import fs from "node:fs";
import { connect } from "../db/connect";
import { verifyAuditChain } from "../lib/audit/verify";

// `npm run audit:verify`: checks the audit log's hash chain; exit 1 names the first broken link.
const url = process.env.DATABASE_URL || (fs.existsSync(".data/database-url") ? fs.readFileSync(".data/database-url", "utf8").trim() : "");
if (!url) {
  console.error("Set DATABASE_URL, or start the app once so .data/database-url exists.");
  process.exit(2);
}
const sql = connect(url, { max: 1, applicationName: "trace-explorer-audit-verify" });
try {
  const report = await verifyAuditChain(sql);
  if (report.firstBroken) {
    const { seq, id, reason } = report.firstBroken;
    console.error(`Audit chain BROKEN at seq ${seq} (row id ${id}): ${reason}. ${report.rows} rows checked.`);
    process.exitCode = 1;
  } else {
    console.log(`Audit chain intact: ${report.rows} rows checked.`);
  }
} catch (error) {
  console.error(`Could not verify the audit log: ${(error as Error).message}`);
  process.exitCode = 2;
} finally {
  await sql.end({ timeout: 2 });
}
