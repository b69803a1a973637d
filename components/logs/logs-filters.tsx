"use client";

import { useState } from "react";
import { TenantSelect } from "@/components/filters/tenant-select";
import { TimeRangePicker } from "@/components/filters/time-range-picker";
import { useUrlParams } from "@/components/filters/use-url-params";
import { FiltersPending } from "@/components/shell/navigation-progress";
import { LOGS_DEFAULT_RANGE } from "@/lib/logs/defaults";
import { LOG_LEVEL_NAMES } from "@/lib/filters/log-level";
import type { TenantOption } from "@/lib/tenants/in-scope";

const input = "rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900";

/**
 * The logs page's filters, in the URL like the search's: tenants, window and level apply at
 * once, the words on "Find" (or Enter). Keyed on the URL so back and forward show its words.
 */
export function LogsFilters({ tenants }: { tenants: readonly TenantOption[] }) {
  const { params } = useUrlParams();
  return <Fields key={params.get("text") ?? ""} tenants={tenants} />;
}

function Fields({ tenants }: { tenants: readonly TenantOption[] }) {
  const { params, setParams } = useUrlParams();
  const [text, setText] = useState(params.get("text") ?? "");
  return (
    <form
      role="search"
      aria-label="Log filters"
      className="mb-4 flex flex-wrap items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        setParams({ text: text.trim() || null });
      }}
    >
      <TenantSelect tenants={tenants} />
      <TimeRangePicker defaultPreset={LOGS_DEFAULT_RANGE} />
      <select aria-label="Log level" className={input} value={params.get("level") ?? ""} onChange={(e) => setParams({ level: e.target.value || null })}>
        <option value="">Any level</option>
        {LOG_LEVEL_NAMES.map((level) => (
          <option key={level} value={level}>
            {level} or above
          </option>
        ))}
      </select>
      <input aria-label="Log text" className={`${input} w-72`} placeholder="Words in the log line" maxLength={200} value={text} onChange={(e) => setText(e.target.value)} />
      <button type="submit" className="rounded bg-zinc-800 px-3 py-1 text-white dark:bg-zinc-200 dark:text-zinc-900">
        Find
      </button>
      <FiltersPending />
    </form>
  );
}
