import { connect } from "../db/connect";
import { verifyAuditChain } from "../lib/audit/verify";
import { cliDatabaseUrl, NoDatabaseError } from "./startup/cli-database";

// `npm run audit:verify`: checks the audit log's hash chain; exit 1 names the first broken link.
let url: string;
try {
  url = cliDatabaseUrl();
} catch (error) {
  console.error(error instanceof NoDatabaseError ? error.message : String(error));
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
