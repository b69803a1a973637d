import { apiRoute } from "@/lib/http/api-route";
import { suggest } from "@/lib/traces/search/autocomplete";
import { autocompleteParamsSchema } from "@/lib/traces/search/autocomplete-params";

/** Suggestions for the search filters, from the caller's tenants only. */
export const GET = apiRoute(
  {
    route: "/api/autocomplete",
    action: "traces:read",
    query: autocompleteParamsSchema,
    audit: "trace.autocomplete",
    access: (q) => ({ audit: "trace.autocomplete", resource: "/api/autocomplete", tenants: q.tenant, details: { field: q.field, prefix: q.prefix } }),
  },
  async ({ query, scope }) => Response.json({ suggestions: await suggest(scope, query) }, { headers: { "cache-control": "no-store" } }),
);
