import "server-only";
import type { Sql } from "@/db/connect";
import { retentionSettingsSchema, type RetentionSettings } from "./policy";

export interface TenantRetention extends RetentionSettings {
  id: string;
  name: string;
}

export async function listTenantRetention(sql: Sql): Promise<TenantRetention[]> {
  const rows = await sql<{ id: string; name: string; retention_days: number; kept_retention_days: number; slow_threshold_ms: number; legal_hold: boolean }[]>`
    SELECT id, name, retention_days, kept_retention_days, slow_threshold_ms, legal_hold FROM tenants ORDER BY id`;
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    retentionDays: r.retention_days,
    keptRetentionDays: r.kept_retention_days,
    slowThresholdMs: r.slow_threshold_ms,
    legalHold: r.legal_hold,
  }));
}

export interface SettingsChange {
  old: RetentionSettings | null;
  new: RetentionSettings;
}

export type UpdateOutcome = "updated" | "unchanged" | "unknown tenant" | "denied";

/**
 * Changes one tenant's ADR-010 settings. The row is locked while `authorize` decides with the
 * old and the new values (the gate writes them into its audit row), so the audit row names
 * exactly the values this update replaced. Nothing changes unless the gate allows it.
 */
export async function updateTenantRetention(
  sql: Sql,
  tenantId: string,
  next: RetentionSettings,
  authorize: (change: SettingsChange) => Promise<boolean>,
): Promise<UpdateOutcome> {
  const valid = retentionSettingsSchema.parse(next);
  return (await sql.begin(async (tx) => {
    const [row] = await tx<{ retention_days: number; kept_retention_days: number; slow_threshold_ms: number; legal_hold: boolean }[]>`
      SELECT retention_days, kept_retention_days, slow_threshold_ms, legal_hold FROM tenants WHERE id = ${tenantId} FOR UPDATE`;
    const old: RetentionSettings | null = row
      ? { retentionDays: row.retention_days, keptRetentionDays: row.kept_retention_days, slowThresholdMs: row.slow_threshold_ms, legalHold: row.legal_hold }
      : null;
    if (!(await authorize({ old, new: valid }))) return "denied";
    if (!old) return "unknown tenant";
    if (JSON.stringify(old) === JSON.stringify(valid)) return "unchanged";
    await tx`
      UPDATE tenants SET retention_days = ${valid.retentionDays}, kept_retention_days = ${valid.keptRetentionDays},
             slow_threshold_ms = ${valid.slowThresholdMs}, legal_hold = ${valid.legalHold}
      WHERE id = ${tenantId}`;
    return "updated";
  })) as UpdateOutcome;
}
