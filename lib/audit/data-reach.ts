/**
 * Whose data an allowed read reaches, for its audit row (issue 15 item 8): the tenants that
 * hold the requested data, split by the caller's scope. Data in the caller's scope names
 * those tenants; data only outside it is a probe, recorded as denied against the tenants it
 * touched (the caller is answered as if nothing was there); no data at all says so.
 */
export type DataReach =
  | { kind: "read"; tenants: string[] }
  | { kind: "probe"; tenants: string[] }
  | { kind: "none" };

export function dataReach(holders: readonly string[], inScope: (tenant: string) => boolean): DataReach {
  const visible = holders.filter(inScope);
  // A read returns one tenant's trace: the first in scope by tenant id (lib/traces/trace/trace-header.ts),
  // the others are only offered as links. `holders` is sorted the same way.
  if (visible.length > 0) return { kind: "read", tenants: visible.slice(0, 1) };
  return holders.length > 0 ? { kind: "probe", tenants: [...holders] } : { kind: "none" };
}

/** What an allowed access's audit row says, given the tenants holding its data (when looked up). */
export function allowedRow(
  holders: readonly string[] | undefined,
  inScope: (tenant: string) => boolean,
  fallback: { tenants: readonly string[]; details?: Record<string, unknown> },
): { tenants: readonly string[]; outcome: "allowed" | "denied"; details?: Record<string, unknown> } {
  const reach = holders ? dataReach(holders, inScope) : null;
  if (reach?.kind === "probe") return { tenants: reach.tenants, outcome: "denied", details: { ...fallback.details, reason: "outside-scope", found: false } };
  if (reach?.kind === "read") return { tenants: reach.tenants, outcome: "allowed", details: fallback.details };
  return { tenants: fallback.tenants, outcome: "allowed", details: reach ? { ...fallback.details, found: false } : fallback.details };
}
