"use client";

import type { TenantOption } from "@/lib/tenants/in-scope";
import { useUrlParams } from "./use-url-params";

/**
 * Multi-select of the tenants in the caller's scope (the server passes only those), written
 * to repeated `tenant` parameters. None selected means every tenant in scope.
 */
export function TenantSelect({ tenants }: { tenants: readonly TenantOption[] }) {
  const { params, setParams } = useUrlParams();
  const selected = new Set(params.getAll("tenant"));
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setParams({ tenant: [...next].sort() });
  };
  const label = selected.size === 0 ? "All tenants" : selected.size === 1 ? [...selected][0] : `${selected.size} tenants`;
  return (
    <details className="relative">
      <summary className="cursor-pointer list-none rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900" aria-label="Tenants">
        {label} ▾
      </summary>
      <fieldset className="absolute z-20 mt-1 max-h-72 min-w-48 overflow-auto rounded border border-zinc-300 bg-white p-2 shadow-lg dark:border-zinc-700 dark:bg-zinc-900">
        <legend className="sr-only">Tenants</legend>
        {tenants.map((t) => (
          <label key={t.id} className="flex items-center gap-2 py-0.5">
            <input type="checkbox" checked={selected.has(t.id)} onChange={() => toggle(t.id)} />
            <span>{t.name}</span>
            <span className="text-xs text-zinc-500">{t.id}</span>
          </label>
        ))}
        {selected.size > 0 && (
          <button type="button" className="mt-1 text-xs underline" onClick={() => setParams({ tenant: null })}>
            Clear
          </button>
        )}
      </fieldset>
    </details>
  );
}
