import { SpanKind } from "../../../db/span-codec/kind-and-status";
import { insertOutboxEvent, relayOutboxEvent, type EventHandler } from "./async";
import { BEGIN, callService, COMMIT, db, query, redis, type Served } from "./infra";
import type { Handler } from "./web";

const LOGIN_USER = query("SELECT", "users", "SELECT id, password_hash, disabled FROM users WHERE tenant_id = $1 AND login_hash = $2", 900);
const FAILED_LOGINS = query("SELECT", "login_attempts", "SELECT count(*) FROM login_attempts WHERE login_hash = $1 AND at > now() - interval '15 minutes'", 700);
const RECORD_ATTEMPT = query("INSERT", "login_attempts", "INSERT INTO login_attempts (login_hash, tenant_id, outcome, at) VALUES ($1, $2, $3, now())", 600);
const INSERT_SESSION = query("INSERT", "sessions", "INSERT INTO sessions (id_hash, user_id, tenant_id, expires_at) VALUES ($1, $2, $3, $4)", 800);
const MEMBERSHIP = query("SELECT", "memberships", "SELECT user_id, role FROM memberships WHERE tenant_id = $1 AND id = $2 FOR UPDATE", 800);
const UPDATE_ROLE = query("UPDATE", "memberships", "UPDATE memberships SET role = $1, updated_at = now() WHERE tenant_id = $2 AND id = $3", 900);
const INSERT_API_KEY = query("INSERT", "api_keys", "INSERT INTO api_keys (id, tenant_id, prefix, key_hash, scopes, created_by) VALUES ($1, $2, $3, $4, $5, $6)", 900);
const INSERT_AUDIT = query("INSERT", "audit_events", "INSERT INTO audit_events (id, tenant_id, actor_id, action, target, at) VALUES ($1, $2, $3, $4, $5, $6)", 800);

const ROLES = ["viewer", "member", "editor", "admin"];

const auditTrail: EventHandler = {
  service: "audit-service",
  work: (t, span, at) => ({ end: db(t, span, at, INSERT_AUDIT) }),
};

/** Sign-in: password check (argon2 is deliberately slow), session, and an audit event. */
export const login: Handler = (t, api, at) =>
  callService(t, api, "accounts-service", "POST", "/internal/sessions", at, (s, at): Served => {
    s.attributes["security.operation"] = true;
    s.attributes["security.action"] = "login";
    let end = db(t, s, at, FAILED_LOGINS);
    end = db(t, s, end + 20, LOGIN_USER);
    end = t.leaf(s, "accounts-service", "password.verify", SpanKind.Internal, end + 20, t.latency(70_000, 0.2), { "password.hash.algorithm": "argon2id" });
    const ok = t.rng.chance(0.88);
    s.attributes["security.outcome"] = ok ? "success" : "failure";
    end = db(t, s, end + 20, RECORD_ATTEMPT);
    if (ok) {
      end = db(t, s, end + 20, INSERT_SESSION);
      end = redis(t, s, end + 20, "SET", "session:? EX ?");
      s.attributes["enduser.id"] = `usr_${t.rng.hex(4)}`;
    }
    const event = insertOutboxEvent(t, s, end + 20, ok ? "user.logged_in" : "user.login_failed");
    relayOutboxEvent(t, event, event.insertedAt, [auditTrail]);
    return { end: event.insertedAt, status: ok ? 200 : 401 };
  });

/** A member's role changes: a permission change, audited and pushed to the permission cache. */
export const changeRole: Handler = (t, api, at) =>
  callService(t, api, "accounts-service", "PUT", "/internal/memberships/{id}/role", at, (s, at): Served => {
    s.attributes["security.operation"] = true;
    s.attributes["security.action"] = "permission_change";
    const from = t.rng.int(0, ROLES.length - 1);
    const to = (from + t.rng.int(1, ROLES.length - 1)) % ROLES.length;
    s.attributes["membership.role.previous"] = ROLES[from]!;
    s.attributes["membership.role.new"] = ROLES[to]!;
    let end = db(t, s, at, BEGIN);
    end = db(t, s, end + 10, MEMBERSHIP);
    end = db(t, s, end + 10, UPDATE_ROLE);
    const event = insertOutboxEvent(t, s, end + 10, "membership.role_changed");
    end = db(t, s, event.insertedAt + 10, COMMIT);
    relayOutboxEvent(t, event, end, [
      auditTrail,
      { service: "notification-service", work: (t, span, at) => ({ end: redis(t, span, at, "PUBLISH", "notifications:?") }) },
    ]);
    return { end: redis(t, s, end + 20, "DEL", "permissions:?"), status: 200 };
  });

/** A new API key: the secret is shown once and only its hash is stored, so nothing leaks here. */
export const createApiKey: Handler = (t, api, at) =>
  callService(t, api, "accounts-service", "POST", "/internal/api-keys", at, (s, at): Served => {
    s.attributes["security.operation"] = true;
    s.attributes["security.action"] = "api_key_create";
    s.attributes["api_key.id"] = `key_${t.rng.hex(4)}`;
    let end = t.leaf(s, "accounts-service", "api_key.generate", SpanKind.Internal, at, t.latency(400, 0.3));
    end = db(t, s, end + 10, BEGIN);
    end = db(t, s, end + 10, INSERT_API_KEY);
    const event = insertOutboxEvent(t, s, end + 10, "api_key.created");
    end = db(t, s, event.insertedAt + 10, COMMIT);
    relayOutboxEvent(t, event, end, [auditTrail]);
    return { end, status: 201 };
  });
