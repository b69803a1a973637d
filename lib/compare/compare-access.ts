import "server-only";
import { pageAccess } from "@/lib/auth/guard";
import { withTenantScope } from "@/lib/db/scoped";
import { traceAccess } from "@/lib/traces/trace/trace-route-params";
import { TYPICAL, type CompareRequest } from "./compare-params";
import { readComparePair, type ComparePair } from "./compare-pair";

/**
 * The compare page's gate: a comparison reads two traces, so each gets the audit row a trace
 * view gets (naming the tenant that holds it, or recording a probe of another tenant's id)
 * before either is read. A trace outside the scope then reads as null, like a missing one.
 */
export async function compareAccess(request: CompareRequest): Promise<ComparePair> {
  const { scope } = await pageAccess("traces:read", await traceAccess("trace.compare", request.b, request.bTenant, { side: "b", with: request.a }));
  if (request.a !== TYPICAL) await pageAccess("traces:read", await traceAccess("trace.compare", request.a, request.aTenant, { side: "a", with: request.b }));
  const pair = await withTenantScope(scope, (tx) => readComparePair(tx, scope, request));
  // The typical trace is known only once picked, from B's tenant (which the first row allowed);
  // it gets its own row before anything of it reaches the page.
  if (pair.typical) {
    await pageAccess("traces:read", await traceAccess("trace.compare", pair.typical.traceId, pair.typical.tenantId, { side: "a", with: request.b, typical: true }));
  }
  return pair;
}
