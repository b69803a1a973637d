import { apiRoute } from "@/lib/http/api-route";
import { scatterTraces } from "@/lib/traces/search/scatter";
import { searchDetails, searchParamsSchema } from "@/lib/traces/search/search-params";

/** Every match of a search for the duration scatter (lib/traces/search/scatter.ts), one audit row per call. */
export const GET = apiRoute(
  {
    route: "/api/traces/scatter",
    action: "traces:read",
    query: searchParamsSchema,
    audit: "trace.search",
    access: (q) => ({ audit: "trace.search", resource: "/api/traces/scatter", tenants: q.tenant, details: searchDetails(q) }),
  },
  async ({ query, scope }) => Response.json(await scatterTraces(scope, query), { headers: { "cache-control": "no-store" } }),
);
