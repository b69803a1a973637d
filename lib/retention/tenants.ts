import "server-only";
import type { Sql } from "@/db/connect";

const DAY_MS = 86_400_000;

export interface TenantPolicy {
  id: string;
  retentionDays: number;
  keptRetentionDays: number;
  legalHold: boolean;
  /** Standard traces that started before this are expired. */
  standardCutoff: Date;
  /** Kept traces (error, slow root, security) that started before this are expired. */
  keptCutoff: Date;
}

export async function loadTenantPolicies(sql: Sql, now: Date): Promise<Map<string, TenantPolicy>> {
  const rows = await sql<{ id: string; retention_days: number; kept_retention_days: number; legal_hold: boolean }[]>`
    SELECT id, retention_days, kept_retention_days, legal_hold FROM tenants ORDER BY id`;
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        retentionDays: r.retention_days,
        keptRetentionDays: r.kept_retention_days,
        legalHold: r.legal_hold,
        standardCutoff: new Date(now.getTime() - r.retention_days * DAY_MS),
        keptCutoff: new Date(now.getTime() - r.kept_retention_days * DAY_MS),
      },
    ]),
  );
}
