import { apiRoute } from "@/lib/http/api-route";
import { jsonError } from "@/lib/http/responses";
import { CursorError, searchTraces } from "@/lib/traces/search/search";
import { searchDetails, searchParamsSchema } from "@/lib/traces/search/search-params";

/** Trace search as JSON: the filters of the `/traces` page, one audit row per call. */
export const GET = apiRoute(
  {
    route: "/api/traces",
    action: "traces:read",
    query: searchParamsSchema,
    audit: "trace.search",
    access: (q) => ({ audit: "trace.search", resource: "/api/traces", tenants: q.tenant, details: searchDetails(q) }),
  },
  async ({ query, scope }) => {
    try {
      return Response.json(await searchTraces(scope, query), { headers: { "cache-control": "no-store" } });
    } catch (error) {
      if (error instanceof CursorError) return jsonError(400, error.message);
      throw error;
    }
  },
);
