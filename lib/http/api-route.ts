import "server-only";
import { z } from "zod";
import { authorize, refuseEarly, type AccessRequest, type EarlyRefusal } from "@/lib/auth/gate";
import type { Action } from "@/lib/auth/roles";
import type { TenantScope } from "@/db/tenant-scope";
import type { AccessProfile } from "@/lib/auth/users";
import { withTracing } from "@trace-explorer/tracing/next";
import { describeIssues } from "@/lib/validation/issues";
import { failure, jsonError } from "./responses";

export interface ApiContext<Q, P> {
  req: Request;
  query: Q;
  params: P;
  user: AccessProfile;
  scope: TenantScope;
}

export interface ApiRouteOptions<Q, P> {
  /** The route template, e.g. "/api/traces/[traceId]"; names the request span. */
  route: string;
  action: Action;
  /** Validates the query string (all values are strings). */
  query?: z.ZodType<Q>;
  /** Validates the dynamic route segments. */
  params?: z.ZodType<P>;
  /** What the audit row says about this call, from the validated input. */
  access: (query: Q, params: P) => AccessRequest | Promise<AccessRequest>;
  /** The audit verb when the input does not validate (the attempt is still recorded). */
  audit: string;
  /**
   * Turns a signed-in user away before `access` looks anything up (a trace download over the
   * user's allowance), recorded as an aggregated denial (lib/auth/gate.ts refuseEarly).
   */
  refuse?: (user: AccessProfile) => EarlyRefusal | undefined;
}

// Kept importable from here: the pages and actions that answer like the API do.
export { describeIssues };

function searchParamsObject(url: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URL(url).searchParams) {
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/**
 * A read route of the JSON API: validate input, ask the one gate (which writes exactly one
 * audit row, also for invalid input and denials), then run the handler. Answers 400 for bad
 * input, 401 signed out, 403 forbidden, 503 with Retry-After when the database or the audit
 * log cannot be reached, and a bare 500 otherwise.
 */
export function apiRoute<Q = Record<string, never>, P = Record<string, never>>(
  options: ApiRouteOptions<Q, P>,
  handler: (ctx: ApiContext<Q, P>) => Promise<Response>,
) {
  return withTracing<{ params: Promise<unknown> }>(
    async (req, ctx) => {
      try {
        const query = (options.query ?? z.object({})).safeParse(searchParamsObject(req.url));
        const params = (options.params ?? z.object({})).safeParse((await ctx?.params) ?? {});
        if (!query.success || !params.success) {
          const message = describeIssues((query.error ?? params.error) as z.ZodError);
          const decision = await authorize(options.action, {
            audit: options.audit,
            resource: new URL(req.url).pathname,
            details: { rejected: "invalid input", problem: message },
            invalidInput: true,
          });
          if (!decision.allowed) return denied(decision.reason);
          return jsonError(400, message);
        }
        if (options.refuse) {
          const refused = await refuseEarly({ audit: options.audit, resource: new URL(req.url).pathname }, options.refuse);
          if (refused) return refused;
        }
        const decision = await authorize(options.action, await options.access(query.data as Q, params.data as P));
        if (!decision.allowed) return denied(decision.reason);
        return await handler({ req, query: query.data as Q, params: params.data as P, user: decision.user, scope: decision.scope });
      } catch (error) {
        return failure(error, options.route);
      }
    },
    { route: options.route },
  );
}

function denied(reason: "signed-out" | "forbidden"): Response {
  return reason === "signed-out" ? jsonError(401, "sign in required") : jsonError(403, "your role or tenant scope does not allow this");
}
