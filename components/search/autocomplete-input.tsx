"use client";

import { useId, useState } from "react";
import type { AutocompleteField } from "@/lib/traces/search/autocomplete-params";
import { useSuggestions } from "./use-suggestions";

interface Props {
  field: AutocompleteField;
  label: string;
  value: string;
  onChange: (value: string) => void;
  tenants: readonly string[];
  placeholder?: string;
  className?: string;
}

/** A text input offering the server's suggestions (a native datalist) for what is typed. */
export function AutocompleteInput({ field, label, value, onChange, tenants, placeholder, className }: Props) {
  const listId = useId();
  const [focused, setFocused] = useState(false);
  const suggestions = useSuggestions(field, value, tenants, focused);
  return (
    <>
      <input
        aria-label={label}
        list={listId}
        value={value}
        placeholder={placeholder}
        autoComplete="off"
        onFocus={() => setFocused(true)}
        onChange={(e) => onChange(e.target.value)}
        className={`rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900 ${className ?? ""}`}
      />
      <datalist id={listId}>
        {suggestions.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
    </>
  );
}
