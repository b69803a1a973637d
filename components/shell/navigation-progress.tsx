"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { createContext, useCallback, useContext, useMemo, useOptimistic, useTransition } from "react";
import { PageLoading } from "./page-loading";

interface Target {
  /** The query string the page shows, or the one it is loading while a change is under way. */
  search: string;
  /** The title of a section being opened, while it loads. */
  section: string | null;
}

interface Navigation {
  search: string;
  pending: boolean;
  /** The section being opened, while it loads. */
  opening: string | null;
  go: (href: string, search: string, replace: boolean) => void;
  open: (href: string, title: string) => void;
}

const NavigationContext = createContext<Navigation | null>(null);

/**
 * Navigations as transitions, so progress shows at once. A filter change keeps the page (with a
 * progress bar) while the server renders the new one, and controls read the query string being
 * loaded, so a chosen value stays chosen instead of snapping back. A section opened from the
 * navigation shows its loading state in place of the page. (Not route loading.tsx files: they
 * stream the page, which fixes the status at 200 before the gate can answer 403 or 404.)
 */
export function NavigationProgress({ children }: { children: React.ReactNode }) {
  const router = useRouter();
  const current = useSearchParams().toString();
  const [pending, startTransition] = useTransition();
  const [target, setTarget] = useOptimistic<Target>({ search: current, section: null });
  const go = useCallback(
    (href: string, next: string, replace: boolean) =>
      startTransition(() => {
        setTarget({ search: next, section: null });
        if (replace) router.replace(href, { scroll: false });
        else router.push(href, { scroll: false });
      }),
    [router, setTarget],
  );
  const open = useCallback(
    (href: string, title: string) =>
      startTransition(() => {
        setTarget({ search: "", section: title });
        router.push(href);
      }),
    [router, setTarget],
  );
  const value = useMemo(
    () => ({ search: target.section ? current : target.search, pending, opening: pending ? target.section : null, go, open }),
    [target, current, pending, go, open],
  );
  return (
    <NavigationContext.Provider value={value}>
      {pending && (
        <div role="status" aria-live="polite" className="fixed inset-x-0 top-0 z-50" data-testid="page-loading">
          <div className="h-0.5 animate-pulse bg-sky-600" />
          <span className="sr-only">Loading…</span>
        </div>
      )}
      {children}
    </NavigationContext.Provider>
  );
}

/** The page, or the loading state of the section being opened. */
export function PageArea({ children }: { children: React.ReactNode }) {
  const navigation = useNavigation();
  if (navigation?.opening) return <PageLoading title={navigation.opening} />;
  return <div aria-busy={navigation?.pending || undefined}>{children}</div>;
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
