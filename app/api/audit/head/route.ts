import { getSql } from "@/lib/db/client";
import { currentAuditHead } from "@/lib/audit/head";
import { auditKeyFromEnv } from "@/lib/audit/mac";
import { apiRoute } from "@/lib/http/api-route";
import { jsonError } from "@/lib/http/responses";

export const dynamic = "force-dynamic";

/**
 * The audit chain's head sealed with AUDIT_HMAC_KEY, for an auditor to record outside the
 * database; `npm run audit:verify -- --head '<answer>'` later proves nothing before it changed.
 */
export const GET = apiRoute(
  { route: "/api/audit/head", action: "audit:read", access: () => ({ audit: "audit.head", resource: "/api/audit/head" }), audit: "audit.head" },
  async () => {
    const key = auditKeyFromEnv();
    if (!key) return jsonError(503, "AUDIT_HMAC_KEY is not configured, so the head cannot be sealed");
    const head = await currentAuditHead(getSql(), key);
    return Response.json(head, { headers: { "cache-control": "no-store" } });
  },
);
