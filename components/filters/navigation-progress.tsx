"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { createContext, useCallback, useContext, useMemo, useOptimistic, useTransition } from "react";

interface Navigation {
  /** The query string the page shows, or the one it is loading while a change is under way. */
  search: string;
  pending: boolean;
  go: (href: string, search: string, replace: boolean) => void;
}

const NavigationContext = createContext<Navigation | null>(null);

/**
 * Filter changes as transitions: the page keeps showing (with a progress bar) while the server
 * renders the new one, and controls read the query string being loaded, so a chosen value
 * stays chosen instead of snapping back until the page arrives.
 */
export function NavigationProgress({ children }: { children: React.ReactNode }) {
  const router = useRouter();
  const current = useSearchParams().toString();
  const [pending, startTransition] = useTransition();
  const [search, setSearch] = useOptimistic(current);
  const go = useCallback(
    (href: string, next: string, replace: boolean) =>
      startTransition(() => {
        setSearch(next);
        if (replace) router.replace(href, { scroll: false });
        else router.push(href, { scroll: false });
      }),
    [router, setSearch],
  );
  const value = useMemo(() => ({ search, pending, go }), [search, pending, go]);
  return (
    <NavigationContext.Provider value={value}>
      {pending && (
        <div role="status" aria-live="polite" className="fixed inset-x-0 top-0 z-50" data-testid="page-loading">
          <div className="h-0.5 animate-pulse bg-sky-600" />
          <span className="sr-only">Loading…</span>
        </div>
      )}
      <div aria-busy={pending || undefined}>{children}</div>
    </NavigationContext.Provider>
  );
}

export function useNavigation(): Navigation | null {
  return useContext(NavigationContext);
}

/** Beside a filter bar: says the page is being updated for the filters just chosen. */
export function FiltersPending() {
  const navigation = useNavigation();
  if (!navigation?.pending) return null;
  return (
    <span role="status" className="text-xs text-zinc-500" data-testid="filters-pending">
      Updating…
    </span>
  );
}
