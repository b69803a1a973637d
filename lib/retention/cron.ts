import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { recordRepeatableDenial } from "@/lib/audit/denials";
import { requestMetaFrom } from "@/lib/audit/request-meta";
import { failure, jsonError } from "@/lib/http/responses";
import type { RetentionDatabase } from "./run";
import { runRetentionJob } from "./traced-run";

export const CRON_ROUTE = "/api/cron/retention";

export interface CronDeps {
  db: RetentionDatabase;
  /** CRON_SECRET; unset means the route refuses every call. */
  secret: string | undefined;
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Equal-length digests compared in constant time: neither the secret nor its length leaks. */
function secretMatches(header: string | null, secret: string): boolean {
  const match = /^Bearer (.+)$/.exec(header ?? "");
  return match !== null && timingSafeEqual(digest(match[1]!), digest(secret));
}

/**
 * `POST /api/cron/retention`: the scheduled ADR-010 purge, authenticated by the shared cron
 * secret and never by a session. 405 for other methods, 503 when no secret is configured, 401
 * (audited) for a missing or wrong secret, 409 with the running run's id when one is running,
 * otherwise the run's id and counts.
 */
export async function handleCronRequest(req: Request, deps: CronDeps): Promise<Response> {
  if (req.method !== "POST") return jsonError(405, "use POST", undefined, { allow: "POST" });
  if (!deps.secret) {
    return jsonError(503, "CRON_SECRET is not set on the server, so the scheduled purge is disabled; set it (32+ characters) and restart.");
  }
  try {
    if (!secretMatches(req.headers.get("authorization"), deps.secret)) {
      await recordRepeatableDenial(deps.db.sql, {
        actor: { id: null, email: null, role: null },
        action: "retention.run",
        resource: CRON_ROUTE,
        outcome: "denied",
        details: { reason: req.headers.has("authorization") ? "wrong secret" : "missing secret" },
        request: requestMetaFrom(req.headers),
      });
      return jsonError(401, "a valid Authorization: Bearer <CRON_SECRET> header is required", undefined, { "www-authenticate": "Bearer" });
    }
    const result = await runRetentionJob(deps.db, { trigger: "cron" });
    if (result.status === "busy") return jsonError(409, "a retention run is already running", { runId: result.runId });
    const body = {
      runId: result.runId,
      outcome: result.status,
      counts: result.counts,
      partitionsDropped: result.partitionsDropped,
      heldTenants: result.heldTenants,
      error: result.error,
    };
    return Response.json(body, { status: result.status === "completed" ? 200 : 500, headers: { "cache-control": "no-store" } });
  } catch (error) {
    return failure(error, CRON_ROUTE, { retryAfterSeconds: 60, logMessage: "retention run failed" });
  }
}
