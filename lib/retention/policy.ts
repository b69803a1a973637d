import { z } from "zod";

/** ADR-010's fixed retentions, in days: not tenant-configurable. */
export const AUDIT_RETENTION_DAYS = 400;
export const RUN_RECORD_RETENTION_DAYS = 400;
/** Isolation violations are security evidence, kept as long as the audit log. */
export const ISOLATION_VIOLATION_RETENTION_DAYS = 400;
/** Daily span partitions created ahead of today, so ingest rarely has to create one. */
export const PARTITIONS_AHEAD_DAYS = 7;

export const STANDARD_RANGE = { min: 1, max: 90 } as const;
export const KEPT_MAX_DAYS = 180;

const days = (what: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${what} must be a whole number of days` })
    .int(`${what} must be a whole number of days`)
    .min(min, `${what} must be between ${min} and ${max} days`)
    .max(max, `${what} must be between ${min} and ${max} days`);

/**
 * A tenant's retention settings as an admin may set them (ADR-010 table): standard 1–90 days,
 * kept traces from the standard value up to 180 days, a positive slow threshold.
 */
export const retentionSettingsSchema = z
  .object({
    retentionDays: days("Standard retention", STANDARD_RANGE.min, STANDARD_RANGE.max),
    keptRetentionDays: days("Kept-trace retention", STANDARD_RANGE.min, KEPT_MAX_DAYS),
    slowThresholdMs: z.coerce
      .number({ error: "Slow threshold must be a number of milliseconds" })
      .int("Slow threshold must be a whole number of milliseconds")
      .positive("Slow threshold must be more than 0 ms")
      .max(3_600_000, "Slow threshold must be at most one hour (3600000 ms)"),
    legalHold: z.boolean(),
  })
  .refine((s) => s.keptRetentionDays >= s.retentionDays, {
    path: ["keptRetentionDays"],
    message: "Kept-trace retention cannot be shorter than the standard retention",
  });

export type RetentionSettings = z.infer<typeof retentionSettingsSchema>;
