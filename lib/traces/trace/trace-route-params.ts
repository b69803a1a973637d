import "server-only";
import { z } from "zod";
import type { AccessRequest } from "@/lib/auth/gate";
import { tenantIdSchema } from "@/lib/tenants/tenant-id";
import { MAX_FIND_TEXT } from "./trace-find-limits";
import { spanIdParam, traceIdParam } from "./trace-id";
import { traceOwners } from "./trace-owners";

/** The inputs of /api/traces/[traceId]/…, validated once for every route. */
export const traceParams = z.object({ traceId: traceIdParam });
export const spanParams = z.object({ traceId: traceIdParam, spanId: spanIdParam });

/** `tenant` picks the tenant when one trace id exists in several; the page always sends it. */
export const tenantQuery = z.object({ tenant: tenantIdSchema.optional() });

/** The span stream's form: NDJSON unless the reader asks for the binary frames. */
export const spansQuery = tenantQuery.extend({ format: z.enum(["ndjson", "binary"]).default("ndjson") });

export const findQuery = tenantQuery.extend({ q: z.string().trim().min(1, "q: empty search").max(MAX_FIND_TEXT) });

/** What the audit row says about a read of one trace, with the tenants that hold it. */
export async function traceAccess(audit: string, traceId: string, tenant: string | undefined, details?: Record<string, unknown>): Promise<AccessRequest> {
  return {
    audit,
    resource: traceId,
    ...(tenant ? { tenants: [tenant] } : {}),
    ...(details ? { details } : {}),
    dataTenants: await traceOwners(traceId, tenant),
  };
}
