import type { Random } from "./random";
import type { DemoTenant } from "./tenants";
import type { TenantProfile } from "./trace-builder";

export interface TenantTraffic extends TenantProfile {
  weight: number;
  /** Where the tenant's users are, so its busy hours fall in their working day. */
  utcOffsetHours: number;
}

/** How each demo tenant behaves, so the explorer has differences to find. */
const BEHAVIOUR: Record<string, Pick<TenantTraffic, "errorFactor" | "latencyFactor" | "utcOffsetHours">> = {
  acme: { errorFactor: 1, latencyFactor: 1, utcOffsetHours: -5 },
  globex: { errorFactor: 0.8, latencyFactor: 1.1, utcOffsetHours: 1 },
  initech: { errorFactor: 1.2, latencyFactor: 1.3, utcOffsetHours: -6 },
  // A flaky integration: errors and retry loops concentrate here.
  umbrella: { errorFactor: 3, latencyFactor: 1, utcOffsetHours: 9 },
  // A large dataset: slow queries and searches.
  hooli: { errorFactor: 1, latencyFactor: 1.8, utcOffsetHours: -8 },
  stark: { errorFactor: 0.7, latencyFactor: 0.9, utcOffsetHours: -5 },
  wayne: { errorFactor: 1, latencyFactor: 1, utcOffsetHours: 0 },
  wonka: { errorFactor: 1.5, latencyFactor: 1.2, utcOffsetHours: 2 },
};

/** The demo tenants with the slow threshold the database holds (an admin may have changed it). */
export function tenantTraffic(tenants: DemoTenant[], slowThresholds: Map<string, number>): TenantTraffic[] {
  return tenants.map((t) => ({
    id: t.id,
    weight: t.weight,
    slowThresholdMs: slowThresholds.get(t.id) ?? t.slowThresholdMs,
    ...(BEHAVIOUR[t.id] ?? { errorFactor: 1, latencyFactor: 1, utcOffsetHours: 0 }),
  }));
}

const HOUR_US = 3_600_000_000;

/** Relative traffic at a moment in the tenant's local time: working hours, quiet weekends. */
function activity(epochUs: number, utcOffsetHours: number): number {
  const localHours = epochUs / HOUR_US + utcOffsetHours;
  const hour = ((Math.floor(localHours) % 24) + 24) % 24;
  // 1970-01-01 was a Thursday.
  const weekday = ((Math.floor(localHours / 24) + 4) % 7 + 7) % 7;
  const daily = hour >= 8 && hour < 18 ? 1 : hour >= 6 && hour < 22 ? 0.45 : 0.12;
  return weekday === 0 || weekday === 6 ? daily * 0.35 : daily;
}

/**
 * When a trace of `durationUs` starts: inside [fromUs, toUs − duration], more often in the
 * tenant's busy hours (rejection sampling, bounded so a tiny window cannot spin).
 */
export function placeTrace(rng: Random, tenant: TenantTraffic, fromUs: number, toUs: number, durationUs: number): number {
  const latest = Math.max(fromUs, toUs - Math.ceil(durationUs) - 1);
  let at = fromUs;
  for (let i = 0; i < 32; i++) {
    at = Math.floor(rng.between(fromUs, latest));
    if (rng.next() < activity(at, tenant.utcOffsetHours)) break;
  }
  return at;
}
