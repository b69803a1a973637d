import "server-only";
import { pageAccess } from "@/lib/auth/guard";
import { getCurrentUser } from "@/lib/auth/current-user";
import { roleAllows } from "@/lib/auth/roles";
import { scopeOf } from "@/lib/auth/scope";
import { loadTraceHeader, type TraceHeader } from "./trace-header";

/**
 * The waterfall page's one gate decision, with the trace's tenant in its audit row; the
 * trace's header when the caller may see it (a denied caller never gets past the gate). The
 * tenant is looked up first in the caller's own scope (never beyond it), so a trace the caller
 * may not see is audited, and answered, exactly like one that does not exist.
 */
export async function traceViewAccess(traceId: string, tenant: string | undefined): Promise<TraceHeader | null> {
  const user = await getCurrentUser();
  const header = user && roleAllows(user.role, "traces:read") ? await loadTraceHeader(scopeOf(user), traceId, tenant) : null;
  await pageAccess("traces:read", {
    audit: "trace.view",
    resource: traceId,
    ...(header ? { tenants: [header.tenantId] } : { details: { found: false } }),
  });
  return header;
}
