import "server-only";
import { pageAccess } from "@/lib/auth/guard";
import { loadTraceHeader, type TraceHeader } from "./trace-header";
import { traceAccess } from "./trace-route-params";

/**
 * The waterfall page's one gate decision, its audit row naming the tenant that holds the
 * trace (or recording a probe of another tenant's id), then the trace's header when the
 * caller may see it: a trace outside the scope is answered exactly like one that does not exist.
 */
export async function traceViewAccess(traceId: string, tenant: string | undefined): Promise<TraceHeader | null> {
  const { scope } = await pageAccess("traces:read", await traceAccess("trace.view", traceId, tenant));
  return loadTraceHeader(scope, traceId, tenant);
}
