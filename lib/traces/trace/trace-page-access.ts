import "server-only";
import { pageAccess } from "@/lib/auth/guard";
import { withTenantScope } from "@/lib/db/scoped";
import { logger } from "@trace-explorer/tracing/logger";
import { findTraceHeader, type TraceHeader } from "./trace-header";
import { lineageHref } from "./trace-lineage-link";
import { traceAccess } from "./trace-route-params";

/** What the waterfall page renders with. */
export interface TracePage {
  header: TraceHeader;
  /** The signed-in user's id: the waterfall keeps its pane widths per user. */
  viewerId: string;
  /**
   * Investigate → Lineage for the trace's jobs and events, when it has any: a promise the page
   * does not wait for (its link shows when it resolves), since it reads the trace's spans, every
   * segment of a sealed trace. A failure leaves the link out and is logged.
   */
  lineageHref: Promise<string | null>;
}

/**
 * The waterfall page's one gate decision, its audit row naming the tenant that holds the
 * trace (or recording a probe of another tenant's id), then the trace's header when the
 * caller may see it: a trace outside the scope is answered exactly like one that does not exist.
 */
export async function traceViewAccess(traceId: string, tenant: string | undefined): Promise<TracePage | null> {
  const { scope, user } = await pageAccess("traces:read", await traceAccess("trace.view", traceId, tenant));
  const header = await withTenantScope(scope, (tx) => findTraceHeader(tx, scope, traceId, tenant));
  if (!header) return null;
  const lineage = withTenantScope(scope, (tx) => lineageHref(tx, header)).catch((error: unknown) => {
    logger.error({ err: error, traceId }, "trace lineage link failed");
    return null;
  });
  return { header, viewerId: user.id, lineageHref: lineage };
}
