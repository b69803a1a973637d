"use client";

import { useState } from "react";
import { parseCondition } from "@/lib/traces/search/search-params";
import { AutocompleteInput } from "./autocomplete-input";

interface Props {
  conditions: string[];
  onChange: (conditions: string[]) => void;
  tenants: readonly string[];
}

/** Attribute conditions as removable chips, added one at a time as `key = value`, `key > 500`, `key exists`. */
export function AttributeConditions({ conditions, onChange, tenants }: Props) {
  const [draft, setDraft] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const add = () => {
    if (!draft.trim()) return;
    const parsed = parseCondition(draft);
    if (!parsed.ok) {
      setProblem(parsed.message);
      return;
    }
    onChange([...conditions, draft.trim()]);
    setDraft("");
    setProblem(null);
  };
  return (
    <div className="flex flex-wrap items-center gap-1.5">
      {conditions.map((c, i) => (
        <span key={`${c}-${i}`} className="inline-flex items-center gap-1 rounded bg-zinc-100 px-2 py-0.5 text-xs dark:bg-zinc-800" data-testid="attribute-condition">
          {c}
          <button type="button" aria-label={`Remove ${c}`} className="text-zinc-500 hover:text-zinc-900" onClick={() => onChange(conditions.filter((_, j) => j !== i))}>
            ×
          </button>
        </span>
      ))}
      <AutocompleteInput
        field="attribute_key"
        label="Attribute condition"
        value={draft}
        onChange={setDraft}
        tenants={tenants}
        placeholder="http.response.status_code > 499"
        className="w-64"
      />
      <button type="button" onClick={add} className="rounded border border-zinc-300 px-2 py-1 text-xs dark:border-zinc-700">
        Add condition
      </button>
      {problem && (
        <span role="alert" className="text-xs text-red-600 dark:text-red-400">
          {problem}
        </span>
      )}
    </div>
  );
}
