import { z } from "zod";
import { parseLeniently } from "@/lib/http/lenient-params";
import { tenantIdSchema } from "@/lib/tenants/tenant-id";
import { traceIdParam } from "@/lib/traces/trace/trace-id";

/**
 * `a=typical`: the page picks, as the baseline A, a trace of B's root operation near that
 * operation's median, so "slower" marks what is slow in B.
 */
export const TYPICAL = "typical";

const schema = z.object({
  a: z.union([z.literal(TYPICAL), traceIdParam], { error: `not a trace id (32 hex digits) nor "${TYPICAL}"` }).optional(),
  b: traceIdParam.optional(),
  /** Which tenant's trace, when one id is a trace in several of the caller's tenants. */
  aTenant: tenantIdSchema.optional(),
  bTenant: tenantIdSchema.optional(),
});

export interface CompareRequest {
  a: string;
  b: string;
  aTenant?: string;
  bTenant?: string;
}

export type RawParams = Record<string, string | string[] | undefined>;

/**
 * The two traces /traces/compare?a=…&b=… asks for. A bad parameter is dropped and listed, a
 * missing trace is listed too; without both traces there is nothing to compare (request null).
 */
export function parseCompare(raw: RawParams): { request: CompareRequest | null; problems: string[]; dropped: string[] } {
  const { data, problems, dropped } = parseLeniently(schema, raw);
  const missing = (side: "a" | "b") => (raw[side] === undefined ? [`${side}: missing: the ${side === "a" ? "first" : "second"} trace's id`] : []);
  const all = [...missing("a"), ...missing("b"), ...problems];
  const request = data?.a && data.b ? { a: data.a, b: data.b, aTenant: data.aTenant, bTenant: data.bTenant } : null;
  return { request, problems: all, dropped };
}

/** The address of the comparison of two traces, each with its tenant. */
export function compareHref(a: { traceId: string; tenantId: string } | typeof TYPICAL, b: { traceId: string; tenantId: string }): string {
  // Search hits carry the stored uuid form; the address uses OTel's 32 hex digits.
  const hex = (id: string) => id.replace(/-/g, "");
  const query = new URLSearchParams(a === TYPICAL ? { a: TYPICAL } : { a: hex(a.traceId), aTenant: a.tenantId });
  query.set("b", hex(b.traceId));
  query.set("bTenant", b.tenantId);
  return `/traces/compare?${query}`;
}
