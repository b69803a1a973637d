import type { Sql } from "@/db/connect";
import { recordAudit, type AuditOutcome } from "./record";

export const PEOPLE = {
  admin: { id: "00000000-0000-4000-8000-00000000000a", email: "admin@demo.test", role: "admin" },
  investigator: { id: "00000000-0000-4000-8000-00000000000b", email: "investigator@demo.test", role: "investigator" },
  viewer: { id: "00000000-0000-4000-8000-00000000000c", email: "viewer@demo.test", role: "tenant_viewer" },
  auditor: { id: "00000000-0000-4000-8000-00000000000d", email: "auditor@demo.test", role: "auditor" },
} as const;

type Person = keyof typeof PEOPLE;

/** [who, action, tenants, outcome]: a small log covering every filter's edge. */
export const ENTRIES: [Person | null, string, string[], AuditOutcome][] = [
  ["viewer", "trace.search", ["acme", "globex"], "allowed"],
  ["viewer", "trace.view", ["acme"], "allowed"],
  ["viewer", "trace.view", ["initech"], "denied"],
  ["investigator", "trace.search", [], "allowed"],
  ["investigator", "latency.view", ["globex"], "allowed"],
  ["admin", "admin.view", [], "allowed"],
  ["auditor", "audit.view", [], "allowed"],
  ["auditor", "trace.search", [], "denied"],
  [null, "auth.sign_in", [], "failure"],
  ["viewer", "auth.sign_in", [], "success"],
  ["admin", "trace.view", ["initech"], "allowed"],
  ["viewer", "investigate.view", ["acme"], "allowed"],
];

/** Inserts users and the entries through recordAudit, as the app writes them. */
export async function seedAuditLog(sql: Sql): Promise<void> {
  for (const p of Object.values(PEOPLE)) {
    await sql`INSERT INTO users (id, email, name, role) VALUES (${p.id}, ${p.email}, ${p.email}, ${p.role}) ON CONFLICT DO NOTHING`;
  }
  for (const [who, action, tenants, outcome] of ENTRIES) {
    const actor = who ? PEOPLE[who] : { id: null, email: "mallory@evil.test", role: null };
    await recordAudit(sql, {
      actor,
      action,
      tenants,
      outcome,
      resource: `/${action.split(".")[0]}`,
      details: { note: "line1\r\nFAKE ENTRY", formula: "=HYPERLINK(\"http://evil\")" },
      request: { ip: "10.0.0.1", userAgent: "Mozilla/5.0\r\nInjected: yes", requestId: "req-00000001", traceId: "0af7651916cd43dd8448eb211c80319c" },
    });
    // Time filters speak milliseconds: keep each entry in a millisecond of its own.
    await new Promise((r) => setTimeout(r, 2));
  }
}
