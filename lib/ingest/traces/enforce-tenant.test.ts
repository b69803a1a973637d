import { describe, expect, it } from "vitest";
import { enforceTenants, type EnforceOptions, type TenantPolicy } from "./enforce-tenant";
import type { NormalizedEntry, NormalizedResource, NormalizedScope, NormalizedSpan } from "./normalize";

const NOW = new Date("2030-01-10T12:00:00Z");
const NOW_NS = BigInt(NOW.getTime()) * 1_000_000n;
const DAY_NS = 86_400_000_000_000n;

const policy = (id: string): TenantPolicy => ({ id, keptRetentionDays: 30, slowThresholdMs: 2000, keepRatio: 1 });
const tenants = new Map([policy("acme"), policy("globex")].map((t) => [t.id, t]));

function resource(tenantClaim?: string, redactions = {}): NormalizedResource {
  return { id: `r-${tenantClaim}`, attributes: {}, schemaUrl: "", droppedAttributesCount: 0, service: "api", tenantClaim, requestId: null, redactions, truncatedValues: 0 };
}

const scope: NormalizedScope = { id: "1", name: "", version: "", attributes: {}, droppedAttributesCount: 0, schemaUrl: "", redactions: {}, truncatedValues: 0 };

function entry(traceId: string, spanId: string, options: { claim?: string; resource?: NormalizedResource; parent?: string | null; startNs?: bigint } = {}): NormalizedEntry {
  const span: NormalizedSpan = {
    tenantClaim: options.claim,
    traceId,
    spanId,
    parentSpanId: options.parent === undefined ? "1" : options.parent,
    flags: 0,
    requestId: null,
    service: "api",
    name: "op",
    kind: 0,
    startNs: options.startNs ?? NOW_NS,
    durationNs: 1n,
    statusCode: 0,
    statusMessage: null,
    attributes: {},
    events: [],
    links: [],
    resource: options.resource ?? resource(),
    scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    redactions: { email: 1 },
    limited: { attributes: 0, events: 0, links: 0, truncatedValues: 0 },
  };
  return { span };
}

const options = (overrides: Partial<EnforceOptions> = {}): EnforceOptions => ({
  key: { keyId: "k", tenantId: null },
  tenants,
  storedTenants: new Map(),
  now: NOW,
  futureToleranceMs: 86_400_000,
  ...overrides,
});

describe("enforceTenants", () => {
  it("stores a span under its own tenant even when another tenant holds its trace id, and logs the newcomer", () => {
    const result = enforceTenants([entry("t1", "a", { claim: "globex", parent: null }), entry("t1", "b", { claim: "acme" })], options({ storedTenants: new Map([["t1", ["acme"]]]) }));
    expect(result.accepted.map((a) => [a.tenantId, a.span.spanId])).toEqual([["globex", "a"], ["acme", "b"]]);
    expect(result.refused).toEqual(new Map());
    expect(result.violations).toEqual([{ reason: "shared_trace_id", traceId: "t1", claimedTenant: "globex", ownerTenant: "acme", spans: 1 }]);
    // Nothing in the newcomer's counters tells it the id was taken.
    expect(result.counters.columns().counters.filter((c) => c.includes("isolation"))).toEqual([]);
  });

  it("logs nothing for a tenant adding to its own trace, whoever else holds the id", () => {
    const result = enforceTenants([entry("t1", "a", { claim: "globex" }), entry("t1", "b", { claim: "acme" })], options({ storedTenants: new Map([["t1", ["acme", "globex"]]]) }));
    expect(result.accepted).toHaveLength(2);
    expect(result.violations).toEqual([]);
  });

  it("within one request, the tenant of the root (else of the first span) holds the id; the others are logged, grouped", () => {
    const rooted = enforceTenants([entry("t", "b", { claim: "globex" }), entry("t", "r", { claim: "acme", parent: null }), entry("t", "c", { claim: "globex" })], options());
    expect(rooted.accepted.map((a) => a.tenantId)).toEqual(["globex", "acme", "globex"]);
    expect(rooted.violations).toEqual([{ reason: "shared_trace_id", traceId: "t", claimedTenant: "globex", ownerTenant: "acme", spans: 2 }]);
    const rootless = enforceTenants([entry("t2", "a", { claim: "globex" }), entry("t2", "b", { claim: "acme" })], options());
    expect(rootless.violations).toEqual([{ reason: "shared_trace_id", traceId: "t2", claimedTenant: "acme", ownerTenant: "globex", spans: 1 }]);
  });

  it("bounds start times by the tenant's longest retention and a day of clock skew", () => {
    const result = enforceTenants(
      [
        entry("t1", "a", { claim: "acme", startNs: NOW_NS - 30n * DAY_NS + 1n }),
        entry("t2", "a", { claim: "acme", startNs: NOW_NS - 30n * DAY_NS - 1n }),
        entry("t3", "a", { claim: "acme", startNs: NOW_NS + DAY_NS + 1n }),
      ],
      options(),
    );
    expect(result.accepted).toHaveLength(1);
    expect(result.refused).toEqual(new Map([["too_old", 1], ["in_future", 1]]));
  });

  it("counts redactions of accepted spans, and of their resource once, for their tenant only", () => {
    const shared = resource("acme", { email: 2 });
    const result = enforceTenants(
      [entry("t1", "a", { resource: shared }), entry("t1", "b", { resource: shared }), entry("t2", "c", { claim: "nope" })],
      options(),
    );
    expect(result.counters.get("acme", "redactions.email")).toBe(2 + 2);
    expect(result.refused).toEqual(new Map([["unknown_tenant", 1]]));
  });
});
