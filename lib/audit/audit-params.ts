import { z } from "zod";
import { userRole, type UserRole } from "@/db/schema";
import { resolveTimeRange, timeRangeParams, timeRangeToParams, TimeRangeError, type TimeRange } from "@/lib/filters/time-range";
import { tenantIdSchema } from "@/lib/tenants/tenant-id";
import type { AuditOutcome } from "./record";

export const AUDIT_OUTCOMES = ["allowed", "denied", "success", "failure"] as const satisfies readonly AuditOutcome[];

/** What the access review filters on; every field comes from the URL. */
export interface AuditFilters {
  /** The actor's e-mail, lower case. */
  user: string | null;
  role: UserRole | null;
  /** Rows naming any of these tenants. */
  tenants: string[];
  /** An exact action, or a prefix when it ends with a dot (`trace.`). */
  action: string | null;
  /** Only reads of trace data (traces, latency, investigations). */
  traceData: boolean;
  outcome: AuditOutcome | null;
  /**
   * With a tenant filter, also rows of all-tenant roles that named no tenant: an unfiltered
   * search by an admin or investigator could have shown that tenant's data.
   */
  unscoped: boolean;
  range: TimeRange;
}

const blankIsAbsent = (v: unknown) => (v === "" ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankIsAbsent, schema.optional());
const flag = optional(z.enum(["1"], { message: "expected 1 or nothing" }));

/** The URL form of the filters. Errors name the parameter and say what is expected. */
export const auditFilterParams = z
  .object({
    user: optional(
      z
        .string()
        .trim()
        .max(254, "at most 254 characters")
        .regex(/^[^\s@]+@[^\s@]+$/, "an e-mail address, e.g. viewer@demo.test")
        .transform((s) => s.toLowerCase()),
    ),
    role: optional(z.enum(userRole.enumValues, { message: `one of ${userRole.enumValues.join(", ")}` })),
    tenant: z.preprocess(
      (v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]),
      z.array(tenantIdSchema).max(20, "at most 20 tenants"),
    ),
    action: optional(
      z
        .string()
        .max(64, "at most 64 characters")
        .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\.?$/, "a dotted action like trace.search, or a prefix ending in a dot like trace."),
    ),
    data: optional(z.enum(["trace"], { message: "expected trace or nothing" })),
    outcome: optional(z.enum(AUDIT_OUTCOMES, { message: `one of ${AUDIT_OUTCOMES.join(", ")}` })),
    unscoped: flag,
    range: z.preprocess(blankIsAbsent, timeRangeParams.shape.range),
    from: z.preprocess(blankIsAbsent, timeRangeParams.shape.from),
    to: z.preprocess(blankIsAbsent, timeRangeParams.shape.to),
  })
  .transform((q, ctx): AuditFilters => {
    let range: TimeRange;
    try {
      range = resolveTimeRange({ range: q.range, from: q.from, to: q.to }, "7d");
    } catch (error) {
      if (!(error instanceof TimeRangeError)) throw error;
      ctx.addIssue({ code: "custom", path: ["from"], message: error.message });
      return z.NEVER;
    }
    return {
      user: q.user ?? null,
      role: q.role ?? null,
      tenants: [...new Set(q.tenant)].sort(),
      action: q.action ?? null,
      traceData: q.data === "trace",
      outcome: q.outcome ?? null,
      unscoped: q.unscoped === "1",
      range,
    };
  });

/** Page position: rows older than this chain position. */
export const auditCursorParam = z.preprocess(blankIsAbsent, z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional());

/** The filters as they go into an audit row's details and back into a URL. */
export function auditFiltersToParams(f: AuditFilters): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = { ...timeRangeToParams(f.range) };
  if (f.user) out.user = f.user;
  if (f.role) out.role = f.role;
  if (f.tenants.length) out.tenant = f.tenants;
  if (f.action) out.action = f.action;
  if (f.traceData) out.data = "trace";
  if (f.outcome) out.outcome = f.outcome;
  if (f.unscoped) out.unscoped = "1";
  return out;
}

/** A query string for links (export, next page) carrying exactly these filters. */
export function auditFiltersToSearch(f: AuditFilters, extra: Record<string, string> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...auditFiltersToParams(f), ...extra })) {
    for (const v of typeof value === "string" ? [value] : value) search.append(key, v);
  }
  return search.toString();
}
