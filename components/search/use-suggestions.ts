"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { AutocompleteField } from "@/lib/traces/search/autocomplete-params";

/** Server suggestions for a field once the user is typing in it, debounced (each call is audited). */
export function useSuggestions(field: AutocompleteField, prefix: string, tenants: readonly string[], enabled: boolean): string[] {
  const [debounced, setDebounced] = useState(prefix);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(prefix), 250);
    return () => clearTimeout(timer);
  }, [prefix]);
  const query = useQuery({
    queryKey: ["autocomplete", field, debounced, tenants],
    enabled,
    queryFn: async ({ signal }) => {
      const params = new URLSearchParams({ field, prefix: debounced });
      for (const t of tenants) params.append("tenant", t);
      const res = await fetch(`/api/autocomplete?${params}`, { signal });
      if (!res.ok) return [];
      return ((await res.json()) as { suggestions: string[] }).suggestions;
    },
  });
  return query.data ?? [];
}
