import { apiRoute } from "@/lib/http/api-route";
import { slowVsNormal } from "@/lib/slow-vs-normal/read";
import { selectionDetails, slowVsNormalSchema } from "@/lib/slow-vs-normal/selection-params";
import { searchDetails } from "@/lib/traces/search/search-params";

/** A selection of a search's traces against the rest of its window (lib/slow-vs-normal), one audit row per call. */
export const GET = apiRoute(
  {
    route: "/api/traces/slow-vs-normal",
    action: "traces:read",
    query: slowVsNormalSchema,
    audit: "trace.slow_vs_normal",
    access: (q) => ({
      audit: "trace.slow_vs_normal",
      resource: "/api/traces/slow-vs-normal",
      tenants: q.tenant,
      details: { ...searchDetails(q), ...selectionDetails(q) },
    }),
  },
  async ({ query, scope }) => Response.json(await slowVsNormal(scope, query, query), { headers: { "cache-control": "no-store" } }),
);
