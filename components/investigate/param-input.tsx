"use client";

import { useState } from "react";
import { useUrlParams } from "@/components/filters/use-url-params";

interface Props {
  name: string;
  label: string;
  placeholder?: string;
  type?: "text" | "number";
  width?: string;
  button?: string;
  /** What the page uses when the URL has no value; shown so the box never looks unset. */
  fallback?: string;
}

/** A text filter written to one URL parameter when submitted (Enter or the button). */
export function ParamInput({ name, label, placeholder, type = "text", width = "w-56", button = "Apply", fallback = "" }: Props) {
  const { params, setParams } = useUrlParams();
  const [value, setValue] = useState(params.get(name) ?? fallback);
  return (
    <form
      className="flex items-center gap-1"
      onSubmit={(e) => {
        e.preventDefault();
        setParams({ [name]: value.trim() || null });
      }}
    >
      <label className="text-zinc-500" htmlFor={`param-${name}`}>
        {label}
      </label>
      <input
        id={`param-${name}`}
        type={type}
        value={value}
        placeholder={placeholder}
        onChange={(e) => setValue(e.target.value)}
        className={`${width} rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900`}
      />
      <button type="submit" className="rounded bg-zinc-800 px-2 py-1 text-white dark:bg-zinc-200 dark:text-zinc-900">
        {button}
      </button>
    </form>
  );
}
