import type { Sql } from "../../db/connect";

export interface DemoTenant {
  id: string;
  name: string;
  /** Share of the generated traffic, relative to the other tenants. */
  weight: number;
  retentionDays: number;
  keptRetentionDays: number;
  slowThresholdMs: number;
  keepRatio: number;
}

/** One large customer and a long tail, the way SaaS traffic usually looks. */
export const DEMO_TENANTS: DemoTenant[] = [
  { id: "acme", name: "Acme Corporation", weight: 38, retentionDays: 14, keptRetentionDays: 30, slowThresholdMs: 1500, keepRatio: 0.5 },
  { id: "globex", name: "Globex", weight: 20, retentionDays: 14, keptRetentionDays: 30, slowThresholdMs: 2000, keepRatio: 1 },
  { id: "initech", name: "Initech", weight: 13, retentionDays: 30, keptRetentionDays: 90, slowThresholdMs: 1000, keepRatio: 1 },
  { id: "umbrella", name: "Umbrella Corp", weight: 10, retentionDays: 14, keptRetentionDays: 60, slowThresholdMs: 2000, keepRatio: 1 },
  { id: "hooli", name: "Hooli", weight: 8, retentionDays: 7, keptRetentionDays: 30, slowThresholdMs: 2500, keepRatio: 1 },
  { id: "stark", name: "Stark Industries", weight: 6, retentionDays: 14, keptRetentionDays: 30, slowThresholdMs: 1200, keepRatio: 1 },
  { id: "wayne", name: "Wayne Enterprises", weight: 3, retentionDays: 21, keptRetentionDays: 45, slowThresholdMs: 2000, keepRatio: 1 },
  { id: "wonka", name: "Wonka Industries", weight: 2, retentionDays: 14, keptRetentionDays: 30, slowThresholdMs: 3000, keepRatio: 1 },
];

/**
 * Inserts the demo tenants that are missing. Existing rows are left as they are: an admin may
 * have changed a tenant's retention or threshold, and a restart must not undo that.
 */
export async function seedTenants(sql: Sql): Promise<void> {
  const rows = DEMO_TENANTS.map((t) => ({
    id: t.id,
    name: t.name,
    retention_days: t.retentionDays,
    kept_retention_days: t.keptRetentionDays,
    slow_threshold_ms: t.slowThresholdMs,
    keep_ratio: t.keepRatio,
  }));
  await sql`INSERT INTO tenants ${sql(rows)} ON CONFLICT (id) DO NOTHING`;
}
