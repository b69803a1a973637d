import { SpanKind } from "../../../db/span-codec/kind-and-status";
import type { Attributes, DemoSpan, TraceBuilder } from "../trace-builder";
import { cached, db, query, redis, respond, type Served } from "./infra";

export type Priority = "low" | "normal" | "high";

export interface Endpoint {
  method: string;
  /** The public route template, e.g. `/api/projects/:projectId`. */
  route: string;
  auth: "session" | "api_key" | "none";
  priority: Priority;
  /** Marks a security-related operation (ADR-012: always traced), e.g. `login`. */
  security?: string;
}

/** What web-api does for the endpoint once the request is authenticated. */
export type Handler = (t: TraceBuilder, api: DemoSpan, at: number) => Served;

const SESSION = query("SELECT", "sessions", "SELECT user_id, tenant_id, expires_at FROM sessions WHERE id_hash = $1", 800);
const API_KEY = query("SELECT", "api_keys", "SELECT id, tenant_id, scopes, revoked_at FROM api_keys WHERE prefix = $1 AND key_hash = $2", 900);
const TOUCH_API_KEY = query("UPDATE", "api_keys", "UPDATE api_keys SET last_used_at = now() WHERE id = $1", 700);
const FLAGS = query("SELECT", "feature_flags", "SELECT key, variants, rules FROM feature_flags WHERE tenant_id = $1", 900);

const FLAG_KEYS = ["new-task-board", "search-ranking-v2", "billing-usage-caps", "bulk-import-v2", "realtime-notifications"];
const ID_PREFIX: Record<string, string> = { projectId: "prj", taskId: "tsk", memberId: "mem" };

/** The concrete path with opaque ids in place of the route's parameters. */
function concretePath(t: TraceBuilder, route: string): string {
  return route.replace(/:(\w+)/g, (_, name: string) => `${ID_PREFIX[name] ?? name.slice(0, 3)}_${t.rng.hex(6)}`);
}

/**
 * A request from the internet: the edge gateway (rate limiting against Redis), then web-api
 * (authentication, feature flags) which runs `handler`. Returns the root span.
 */
export function webRequest(t: TraceBuilder, endpoint: Endpoint, handler: Handler): DemoSpan {
  const name = `${endpoint.method} ${endpoint.route}`;
  const http: Attributes = {
    "http.request.method": endpoint.method,
    "http.route": endpoint.route,
    "url.path": concretePath(t, endpoint.route),
  };
  const root = t.start(null, "edge-gateway", name, SpanKind.Server, 0, {
    ...http,
    "url.scheme": "https",
    "server.address": "api.platform.example",
    "network.protocol.version": "2",
    "sampling.priority": endpoint.priority,
  });

  const limiter = t.start(root, "edge-gateway", "ratelimit.check", SpanKind.Internal, t.latency(120, 0.3), {
    "ratelimit.policy": endpoint.auth === "api_key" ? "api-key" : "tenant",
    "ratelimit.limit": endpoint.auth === "api_key" ? 300 : 1200,
  });
  const limited = t.rng.chance(0.015);
  limiter.attributes["ratelimit.outcome"] = limited ? "rejected" : "allowed";
  let at = t.end(limiter, redis(t, limiter, limiter.start + 15, "EVALSHA", "? 1 ratelimit:?") + 20);
  if (limited) {
    respond(t, root, at + t.latency(90, 0.3), 429);
    return root;
  }

  const proxy = t.start(root, "edge-gateway", name, SpanKind.Client, at + 30, {
    "http.request.method": endpoint.method,
    "url.template": endpoint.route,
    "server.address": "web-api.platform.svc",
    "server.port": 8080,
  });
  const api = t.start(proxy, "web-api", name, SpanKind.Server, proxy.start + t.latency(300, 0.3), { ...http, "url.scheme": "http" });
  if (endpoint.security) {
    api.attributes["security.operation"] = true;
    api.attributes["security.action"] = endpoint.security;
  }

  at = api.start + t.latency(80, 0.3);
  let served: Served | null = null;
  if (endpoint.auth === "session") {
    const auth = t.start(api, "web-api", "auth.session", SpanKind.Internal, at);
    at = t.end(auth, cached(t, auth, auth.start + 10, "session:?", 0.93, SESSION) + 15);
    if (t.rng.chance(0.008)) served = { end: at, status: 401 };
    else api.attributes["enduser.id"] = `usr_${t.rng.hex(4)}`;
  } else if (endpoint.auth === "api_key") {
    const keyId = `key_${t.rng.hex(4)}`;
    const auth = t.start(api, "web-api", "auth.api_key", SpanKind.Internal, at, {
      "security.operation": true,
      "security.action": "api_key_use",
      "api_key.id": keyId,
    });
    at = cached(t, auth, auth.start + 10, "apikey:?", 0.8, API_KEY);
    const revoked = t.rng.chance(0.01);
    auth.attributes["security.outcome"] = revoked ? "denied" : "allowed";
    if (!revoked) at = db(t, auth, at + 20, TOUCH_API_KEY);
    at = t.end(auth, at + 15);
    if (revoked) served = { end: at, status: 401 };
    else api.attributes["api_key.id"] = keyId;
  }

  if (!served) {
    const flags = t.start(api, "web-api", "feature_flag.evaluate", SpanKind.Internal, at + 10, {
      "feature_flag.key": t.rng.pick(FLAG_KEYS),
      "feature_flag.provider.name": "flagd",
      "feature_flag.result.variant": t.rng.chance(0.3) ? "on" : "off",
    });
    at = flags.start + t.latency(40, 0.3);
    // Flags are cached in process and refreshed from Redis, rarely from the database.
    if (t.rng.chance(0.08)) at = cached(t, flags, at, "flags:?", 0.9, FLAGS);
    at = t.end(flags, at + 10);
    served = handler(t, api, at + 20);
  }

  const apiEnd = respond(t, api, served.end + t.latency(150, 0.3), served.status, served.failure);
  const proxyEnd = respond(t, proxy, apiEnd + t.latency(250, 0.3), served.status);
  respond(t, root, proxyEnd + t.latency(100, 0.3), served.status);
  return root;
}
