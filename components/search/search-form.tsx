"use client";

import { useState } from "react";
import { TenantSelect } from "@/components/filters/tenant-select";
import { TimeRangePicker } from "@/components/filters/time-range-picker";
import { FiltersPending } from "@/components/shell/navigation-progress";
import { useUrlParams } from "@/components/filters/use-url-params";
import type { TenantOption } from "@/lib/tenants/in-scope";
import { parseSearch, rawSearchParams } from "@/lib/traces/search/search-params";
import { LOG_LEVEL_NAMES } from "@/lib/filters/log-level";
import { AttributeConditions } from "./attribute-conditions";
import { AutocompleteInput } from "./autocomplete-input";

const input = "rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900";

/**
 * The search filters. Tenants and the time range apply at once; the rest apply on "Search".
 * The URL is the state: the fields are keyed on the query string, so back and forward (which
 * may restore a kept page with its typed-in state) show the filters of that entry.
 */
export function SearchForm({ tenants }: { tenants: readonly TenantOption[] }) {
  const { params } = useUrlParams();
  // The tenant picker reads the URL itself: a tenant change keeps the fields (and the focus on
  // the picker's button) instead of remounting them.
  const typed = new URLSearchParams(params);
  typed.delete("tenant");
  return <SearchFields key={typed.toString()} tenants={tenants} />;
}

function SearchFields({ tenants }: { tenants: readonly TenantOption[] }) {
  const { params, setParams } = useUrlParams();
  const [service, setService] = useState(params.get("service") ?? "");
  const [operation, setOperation] = useState(params.get("operation") ?? "");
  const [minDuration, setMinDuration] = useState(params.get("minDuration") ?? "");
  const [maxDuration, setMaxDuration] = useState(params.get("maxDuration") ?? "");
  const [status, setStatus] = useState(params.get("status") ?? "");
  const [q, setQ] = useState(params.get("q") ?? "");
  const [logText, setLogText] = useState(params.get("logText") ?? "");
  const [logLevel, setLogLevel] = useState(params.get("logLevel") ?? "");
  const [attr, setAttr] = useState(params.getAll("attr"));
  const [problem, setProblem] = useState<string | null>(null);
  const selectedTenants = params.getAll("tenant");

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const patch = { service, operation, minDuration, maxDuration, status, logText, logLevel, q, attr };
    const next = new URLSearchParams(params);
    next.delete("cursor");
    for (const [key, value] of Object.entries(patch)) {
      next.delete(key);
      for (const v of typeof value === "string" ? [value.trim()] : value) if (v) next.append(key, v);
    }
    const parsed = parseSearch(rawSearchParams(next));
    if (!parsed.ok) {
      setProblem(parsed.message);
      return;
    }
    setProblem(null);
    setParams(Object.fromEntries(Object.entries(patch).map(([k, v]) => [k, typeof v === "string" ? v.trim() || null : v])));
  };

  return (
    <form onSubmit={submit} className="mb-4 flex flex-col gap-2" role="search" aria-label="Trace search">
      <div className="flex flex-wrap items-center gap-2">
        <TenantSelect tenants={tenants} />
        <TimeRangePicker />
        <input aria-label="Lookup by trace id, request id or job id" className={`${input} w-80`} placeholder="Trace id, request id or job id" value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <AutocompleteInput field="service" label="Service" value={service} onChange={setService} tenants={selectedTenants} placeholder="Service (any span)" className="w-48" />
        <AutocompleteInput field="operation" label="Root operation" value={operation} onChange={setOperation} tenants={selectedTenants} placeholder="Root operation" className="w-64" />
        <input aria-label="Minimum duration" className={`${input} w-24`} placeholder="min 250ms" value={minDuration} onChange={(e) => setMinDuration(e.target.value)} />
        <input aria-label="Maximum duration" className={`${input} w-24`} placeholder="max 1.5s" value={maxDuration} onChange={(e) => setMaxDuration(e.target.value)} />
        <select aria-label="Status" className={input} value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">Any status</option>
          <option value="error">Errors only</option>
          <option value="ok">Without errors</option>
        </select>
        <input aria-label="Logs contain" className={`${input} w-48`} placeholder="Logs contain…" value={logText} onChange={(e) => setLogText(e.target.value)} />
        <select aria-label="Log level" className={input} value={logLevel} onChange={(e) => setLogLevel(e.target.value)}>
          <option value="">Any log level</option>
          {LOG_LEVEL_NAMES.map((level) => (
            <option key={level} value={level}>
              Logs at {level} or above
            </option>
          ))}
        </select>
        <button type="submit" className="rounded bg-zinc-800 px-3 py-1 text-white dark:bg-zinc-200 dark:text-zinc-900">
          Search
        </button>
        <FiltersPending />
      </div>
      <AttributeConditions conditions={attr} onChange={setAttr} tenants={selectedTenants} />
      {problem && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {problem}
        </p>
      )}
    </form>
  );
}
