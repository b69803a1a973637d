import { parseSearch, rawSearchParams, serializeSearch, type SearchFilters } from "@/lib/traces/search/search-params";
import { facetValueText, type FacetKind } from "./rank";

function withFacet(f: SearchFilters, kind: FacetKind, key: string, value: string): Partial<SearchFilters> {
  // A new condition starts a new search: its first page, by the default sort.
  const base = { ...f, cursor: undefined, q: undefined };
  switch (kind) {
    case "tenant":
      return { ...base, tenant: [value] };
    case "service":
      return { ...base, service: value };
    case "operation":
      return { ...base, operation: value };
    case "status":
      return { ...base, status: value as SearchFilters["status"] };
    case "attribute":
      return { ...base, attr: [...(f.attr ?? []), { key, op: "=", value }] };
  }
}

/**
 * The query string of the search `context` narrowed to traces with this value, or null when
 * the search cannot say it exactly (a key or value its URL refuses, too many conditions, a
 * value the form would trim): a link that searched for something else would mislead.
 */
export function searchWithFacet(context: string, kind: FacetKind, key: string, valueJson: string): string | null {
  const parsed = parseSearch(rawSearchParams(new URLSearchParams(context)));
  if (!parsed.ok) return null;
  const wanted = serializeSearch(withFacet(parsed.filters, kind, key, facetValueText(valueJson))).toString();
  const reread = parseSearch(rawSearchParams(new URLSearchParams(wanted)));
  return reread.ok && serializeSearch(reread.filters).toString() === wanted ? wanted : null;
}
