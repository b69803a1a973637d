import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The keyed half of the audit log's tamper evidence. The database chains rows with SHA-256
 * (db/migrations/0003), which anyone who can write the table can recompute after an edit. The
 * key (AUDIT_HMAC_KEY) never enters the database: the app MACs each row's content before the
 * insert, and MACs the chain head (seq + hash) it publishes outside the database, so an edit
 * or a removal cannot be re-sealed by someone who only holds the database.
 */

/** The row columns the app chooses, as the database stores them. */
export interface AuditRowContent {
  actorId: string | null;
  actorEmail: string | null;
  role: string | null;
  action: string;
  resource: string | null;
  tenants: string[];
  outcome: string;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  traceId: string | null;
  details: Record<string, unknown>;
}

/** JSON with object keys sorted at every depth: jsonb does not keep the order they were sent in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

const hmac = (key: string, message: string) => createHmac("sha256", key).update(message, "utf8").digest("hex");

/** The MAC stored with a row. uuids are compared lower-case, as Postgres returns them. */
export function auditRowMac(key: string, row: AuditRowContent): string {
  return hmac(key, `audit-row|${canonicalJson({ ...row, actorId: row.actorId?.toLowerCase() ?? null, tenants: [...row.tenants] })}`);
}

/** The MAC of the chain head: the row `seq` and its hash, which covers every row before it. */
export function auditHeadMac(key: string, seq: number, hash: string): string {
  return hmac(key, `audit-head|${seq}|${hash}`);
}

export function macsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The configured key, or null when this process runs without one (rows are then chained but
 * unkeyed, and `npm run audit:verify` counts them). A key too short to resist guessing is refused.
 */
export function auditKeyFromEnv(): string | null {
  const key = process.env.AUDIT_HMAC_KEY;
  if (!key) return null;
  if (key.length < 32) throw new Error("AUDIT_HMAC_KEY must be at least 32 characters");
  return key;
}
