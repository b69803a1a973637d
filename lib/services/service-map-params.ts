import { z } from "zod";
import { resolveTimeRange, TimeRangeError, timeRangeParams, type TimeRange } from "@/lib/filters/time-range";
import { tenantIdSchema } from "@/lib/tenants/tenant-id";

const many = z.union([z.string(), z.array(z.string())]).transform((v) => (typeof v === "string" ? [v] : v));

/** The /services URL (and GET /api/services query): tenants and window. */
export const serviceMapParams = timeRangeParams.extend({
  tenant: many.pipe(z.array(tenantIdSchema).max(50)).optional(),
});

export type ServiceMapParams = z.infer<typeof serviceMapParams>;

export interface ServiceMapFilters {
  /** Tenants picked explicitly; empty means every tenant in the caller's scope. */
  tenants: string[];
  range: TimeRange;
}

/** The filters a request asks for; throws TimeRangeError for an impossible window. */
export function serviceMapFilters(params: ServiceMapParams, now = new Date()): ServiceMapFilters {
  return { tenants: [...new Set(params.tenant ?? [])].sort(), range: resolveTimeRange(params, "24h", now) };
}

/** The /services URL straight to filters; an impossible window is an issue of the parameter given. */
export const serviceMapRequest = serviceMapParams.transform((params, ctx): ServiceMapFilters => {
  try {
    return serviceMapFilters(params);
  } catch (error) {
    if (!(error instanceof TimeRangeError)) throw error;
    ctx.addIssue({ code: "custom", path: [params.from ? "from" : "to"], message: error.message });
    return z.NEVER;
  }
});

/** What the audit row records of a map read. */
export function serviceMapAudit(f: ServiceMapFilters): Record<string, unknown> {
  return { from: f.range.from.toISOString(), to: f.range.to.toISOString() };
}
