import type { Random } from "../random";
import { TraceBuilder, type TenantProfile } from "../trace-builder";
import { changeRole, createApiKey, login } from "./accounts";
import { changeSubscription, listInvoices, usageReport } from "./billing";
import { bigTraceSize, bulkImport, reindexJob } from "./bulk";
import { createTask, getProject, listProjects, listTasks, UPDATE_TASK_ENDPOINT, updateTask } from "./projects";
import { requestExport } from "./reports";
import { cronTrace, sessionCleanup, usageRollup } from "./scheduled";
import { searchTasks } from "./search";
import { webRequest, type Endpoint, type Handler } from "./web";

interface Scenario {
  weight: number;
  /** Web requests carry a request id; jobs the scheduler starts have none. */
  request: boolean;
  build: (t: TraceBuilder) => void;
}

function web(weight: number, endpoint: Endpoint, handler: Handler): Scenario {
  return { weight, request: true, build: (t) => webRequest(t, endpoint, handler) };
}

const IMPORT: Endpoint = { method: "POST", route: "/api/imports", auth: "session", priority: "normal" };

/** The traffic mix: mostly reads, a steady share of writes, a little security and batch work. */
const SCENARIOS: Scenario[] = [
  web(16, { method: "GET", route: "/api/projects/:projectId", auth: "session", priority: "low" }, getProject),
  web(9, { method: "GET", route: "/api/projects", auth: "session", priority: "low" }, listProjects),
  web(10, { method: "GET", route: "/api/projects/:projectId/tasks", auth: "session", priority: "normal" }, listTasks),
  web(9, { method: "GET", route: "/api/search", auth: "session", priority: "low" }, searchTasks),
  web(8, { method: "POST", route: "/api/projects/:projectId/tasks", auth: "session", priority: "normal" }, createTask),
  web(6, UPDATE_TASK_ENDPOINT, updateTask),
  web(4, { method: "GET", route: "/api/billing/invoices", auth: "session", priority: "normal" }, listInvoices),
  web(2.5, { method: "GET", route: "/api/reports/usage", auth: "session", priority: "normal" }, usageReport),
  web(2, { method: "PUT", route: "/api/billing/subscription", auth: "session", priority: "high" }, changeSubscription),
  web(1.5, { method: "POST", route: "/api/reports/exports", auth: "session", priority: "normal" }, requestExport),
  web(6, { method: "POST", route: "/api/auth/login", auth: "none", priority: "high", security: "login" }, login),
  web(1.2, { method: "PUT", route: "/api/members/:memberId/role", auth: "session", priority: "high", security: "permission_change" }, changeRole),
  web(0.3, { method: "POST", route: "/api/api-keys", auth: "session", priority: "high", security: "api_key_create" }, createApiKey),
  // Integrations call the public API with API keys (each use is a security-related operation).
  web(5, { method: "GET", route: "/api/v1/projects", auth: "api_key", priority: "normal" }, listProjects),
  web(3, { method: "POST", route: "/api/v1/projects/:projectId/tasks", auth: "api_key", priority: "normal" }, createTask),
  { weight: 1.5, request: false, build: (t) => cronTrace(t, usageRollup) },
  { weight: 1, request: false, build: (t) => cronTrace(t, sessionCleanup) },
  // Rare and big: a fan-out of hundreds to 20,000 spans in one trace.
  { weight: 0.06, request: true, build: (t) => webRequest(t, IMPORT, bulkImport(bigTraceSize(t))) },
  { weight: 0.04, request: false, build: (t) => cronTrace(t, reindexJob(bigTraceSize(t))) },
];

const WEIGHTS = SCENARIOS.map((s) => s.weight);
const TOTAL = WEIGHTS.reduce((a, b) => a + b, 0);

/** Builds one trace of a scenario drawn from the mix. */
export function buildTrace(rng: Random, tenant: TenantProfile): TraceBuilder {
  const scenario = SCENARIOS[rng.weighted(WEIGHTS, TOTAL)]!;
  const t = new TraceBuilder(rng, tenant, scenario.request ? `req_${rng.hex(16)}` : null);
  scenario.build(t);
  return t;
}
