import type { Who } from "./who";

/** The trace ids and span ids a route needs, one set from a tenant the viewer has and one it has not. */
export interface Fixture {
  own: { tenant: string; traceId: string; spanId: string };
  other: { tenant: string; traceId: string; spanId: string };
}

export type Variant = "own" | "other";
export type Kind = "page" | "api";

type AuditRow = { action: string; outcome: "allowed" | "denied" };

export interface Expected {
  status: number;
  /** The first (usually the one) audit row the call must write (null: none). */
  audit: AuditRow | null;
  /** The rows after it, for a call that reads several things each audited on its own (a comparison of two traces). */
  then?: AuditRow[];
}

export interface RouteCase {
  name: string;
  kind: Kind;
  /** Whether the route reads one tenant's data, so "own" and "other" differ for a tenant_viewer. */
  tenantAware: boolean;
  path: (f: Fixture, v: Variant) => string;
  /** The role-table permission the route needs. */
  roles: readonly Who[];
  action: string;
  /** What a tenant_viewer gets for another tenant's data when allowed to ask (404 hides existence). */
  otherTenant?: Expected;
  /** The rows an allowed call writes after its first. */
  allowedThen?: AuditRow[];
}

const TRACE_ROLES = ["admin", "investigator", "tenant_viewer"] as const;
const AUDIT_ROLES = ["admin", "auditor"] as const;
const ADMIN_ROLES = ["admin"] as const;

const t = (f: Fixture, v: Variant) => f[v];

export const ROUTES: RouteCase[] = [
  { name: "trace search page", kind: "page", tenantAware: true, roles: TRACE_ROLES, action: "trace.search", path: (f, v) => `/traces?tenant=${t(f, v).tenant}` },
  {
    name: "waterfall page",
    kind: "page",
    tenantAware: true,
    roles: TRACE_ROLES,
    action: "trace.view",
    path: (f, v) => `/traces/${t(f, v).traceId}`,
    // Answered like a trace that does not exist; audited as a denied probe of the other tenant.
    otherTenant: { status: 200, audit: { action: "trace.view", outcome: "denied" } },
  },
  {
    name: "compare page",
    kind: "page",
    tenantAware: true,
    roles: TRACE_ROLES,
    action: "trace.compare",
    // B (read first) from the viewer's tenant, A from the variant's: one row per trace, as two trace views write.
    path: (f, v) => `/traces/compare?a=${t(f, v).traceId}&b=${f.own.traceId}`,
    allowedThen: [{ action: "trace.compare", outcome: "allowed" }],
    // A is answered like a trace that does not exist; its row is a denied probe of the other tenant.
    otherTenant: { status: 200, audit: { action: "trace.compare", outcome: "allowed" }, then: [{ action: "trace.compare", outcome: "denied" }] },
  },
  { name: "latency page", kind: "page", tenantAware: true, roles: TRACE_ROLES, action: "latency.query", path: (f, v) => `/latency?tenant=${t(f, v).tenant}` },
  { name: "service map page", kind: "page", tenantAware: true, roles: TRACE_ROLES, action: "services.map", path: (f, v) => `/services?tenant=${t(f, v).tenant}` },
  { name: "investigate page", kind: "page", tenantAware: true, roles: TRACE_ROLES, action: "investigate.errors", path: (f, v) => `/investigate?view=errors&tenant=${t(f, v).tenant}` },
  { name: "access review page", kind: "page", tenantAware: false, roles: AUDIT_ROLES, action: "audit.view", path: () => "/audit" },
  { name: "admin index", kind: "page", tenantAware: false, roles: ADMIN_ROLES, action: "admin.view", path: () => "/admin" },
  { name: "admin users", kind: "page", tenantAware: false, roles: ADMIN_ROLES, action: "admin.view", path: () => "/admin/users" },
  { name: "admin ingest keys", kind: "page", tenantAware: false, roles: ADMIN_ROLES, action: "admin.view", path: () => "/admin/ingest-keys" },
  { name: "admin tenants", kind: "page", tenantAware: false, roles: ADMIN_ROLES, action: "admin.view", path: () => "/admin/tenants" },
  { name: "admin retention", kind: "page", tenantAware: false, roles: ADMIN_ROLES, action: "admin.retention.view", path: () => "/admin/retention" },
  {
    name: "trace API",
    kind: "api",
    tenantAware: true,
    roles: TRACE_ROLES,
    action: "trace.view",
    path: (f, v) => `/api/traces/${t(f, v).traceId}`,
    otherTenant: { status: 404, audit: { action: "trace.view", outcome: "denied" } },
  },
  {
    name: "span stream API",
    kind: "api",
    tenantAware: true,
    roles: TRACE_ROLES,
    action: "trace.spans",
    path: (f, v) => `/api/traces/${t(f, v).traceId}/spans`,
    otherTenant: { status: 404, audit: { action: "trace.spans", outcome: "denied" } },
  },
  {
    name: "span detail API",
    kind: "api",
    tenantAware: true,
    roles: TRACE_ROLES,
    action: "trace.span",
    path: (f, v) => `/api/traces/${t(f, v).traceId}/spans/${t(f, v).spanId}`,
    otherTenant: { status: 404, audit: { action: "trace.span", outcome: "denied" } },
  },
  {
    name: "find in trace API",
    kind: "api",
    tenantAware: true,
    roles: TRACE_ROLES,
    action: "trace.find",
    path: (f, v) => `/api/traces/${t(f, v).traceId}/find?q=http`,
    otherTenant: { status: 404, audit: { action: "trace.find", outcome: "denied" } },
  },
  {
    name: "trace logs API",
    kind: "api",
    tenantAware: true,
    roles: TRACE_ROLES,
    action: "trace.logs",
    path: (f, v) => `/api/traces/${t(f, v).traceId}/logs?severity=info`,
    otherTenant: { status: 404, audit: { action: "trace.logs", outcome: "denied" } },
  },
  {
    name: "OTLP export API",
    kind: "api",
    tenantAware: true,
    roles: TRACE_ROLES,
    action: "trace.export",
    path: (f, v) => `/api/traces/${t(f, v).traceId}/export`,
    otherTenant: { status: 404, audit: { action: "trace.export", outcome: "denied" } },
  },
  { name: "search API", kind: "api", tenantAware: true, roles: TRACE_ROLES, action: "trace.search", path: (f, v) => `/api/traces?tenant=${t(f, v).tenant}` },
  { name: "search scatter API", kind: "api", tenantAware: true, roles: TRACE_ROLES, action: "trace.search", path: (f, v) => `/api/traces/scatter?tenant=${t(f, v).tenant}` },
  {
    name: "slow versus normal API",
    kind: "api",
    tenantAware: true,
    roles: TRACE_ROLES,
    action: "trace.slow_vs_normal",
    path: (f, v) => `/api/traces/slow-vs-normal?tenant=${t(f, v).tenant}&selMin=1s`,
  },
  {
    name: "autocomplete API",
    kind: "api",
    tenantAware: true,
    roles: TRACE_ROLES,
    action: "trace.autocomplete",
    path: (f, v) => `/api/autocomplete?field=service&prefix=a&tenant=${t(f, v).tenant}`,
  },
  { name: "latency API", kind: "api", tenantAware: true, roles: TRACE_ROLES, action: "latency.query", path: (f, v) => `/api/latency?range=24h&tenant=${t(f, v).tenant}` },
  { name: "service map API", kind: "api", tenantAware: true, roles: TRACE_ROLES, action: "services.map", path: (f, v) => `/api/services?range=24h&tenant=${t(f, v).tenant}` },
  { name: "logs page", kind: "page", tenantAware: true, roles: TRACE_ROLES, action: "logs.search", path: (f, v) => `/logs?tenant=${t(f, v).tenant}` },
  { name: "logs API", kind: "api", tenantAware: true, roles: TRACE_ROLES, action: "logs.search", path: (f, v) => `/api/logs?range=1h&tenant=${t(f, v).tenant}` },
  { name: "audit CSV export", kind: "api", tenantAware: false, roles: AUDIT_ROLES, action: "audit.export", path: () => "/api/audit/export" },
  { name: "audit head", kind: "api", tenantAware: false, roles: AUDIT_ROLES, action: "audit.head", path: () => "/api/audit/head" },
];

/** The matrix's rule: what `who` gets from `route` for the variant. */
export function expected(route: RouteCase, who: Who, variant: Variant): Expected {
  if (who === "anonymous") {
    // Pages: the proxy sends signed-out visitors to the login page before anything renders.
    // API routes: the gate itself answers, and records the attempt.
    return route.kind === "page" ? { status: 307, audit: null } : { status: 401, audit: { action: route.action, outcome: "denied" } };
  }
  if (!route.roles.includes(who)) return { status: 403, audit: { action: route.action, outcome: "denied" } };
  if (route.tenantAware && variant === "other" && who === "tenant_viewer") {
    return route.otherTenant ?? { status: 403, audit: { action: route.action, outcome: "denied" } };
  }
  return { status: 200, audit: { action: route.action, outcome: "allowed" }, then: route.allowedThen };
}
