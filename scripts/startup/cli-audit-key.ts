import fs from "node:fs";
import path from "node:path";
import { auditKeyFromEnv } from "../../lib/audit/mac";

/**
 * AUDIT_HMAC_KEY for a command-line tool (audit:verify, ingest-key): the variable, else the
 * file the start script generated on the embedded default, <TE_DATA_DIR or .data>/audit-hmac.secret.
 * Exported to this process's environment, so the audit rows it writes are keyed like the app's.
 */
export function cliAuditKey(): string | null {
  const file = path.resolve(process.env.TE_DATA_DIR ?? ".data", "audit-hmac.secret");
  if (!process.env.AUDIT_HMAC_KEY && fs.existsSync(file)) process.env.AUDIT_HMAC_KEY = fs.readFileSync(file, "utf8").trim();
  return auditKeyFromEnv();
}
