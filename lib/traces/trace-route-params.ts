import { z } from "zod";
import { tenantIdSchema } from "@/lib/tenants/tenant-id";
import { MAX_FIND_TEXT } from "./trace-find-limits";
import { spanIdParam, traceIdParam } from "./trace-id";

/** The inputs of /api/traces/[traceId]/…, validated once for every route. */
export const traceParams = z.object({ traceId: traceIdParam });
export const spanParams = z.object({ traceId: traceIdParam, spanId: spanIdParam });

/** `tenant` picks the tenant when one trace id exists in several; the page always sends it. */
export const tenantQuery = z.object({ tenant: tenantIdSchema.optional() });

export const findQuery = tenantQuery.extend({ q: z.string().trim().min(1, "q: empty search").max(MAX_FIND_TEXT) });

/** What the audit row says about a read of one trace. */
export function traceAccess(audit: string, traceId: string, tenant: string | undefined, details?: Record<string, unknown>) {
  return { audit, resource: traceId, ...(tenant ? { tenants: [tenant] } : {}), ...(details ? { details } : {}) };
}
