"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback } from "react";

export type ParamPatch = Record<string, string | readonly string[] | null | undefined>;

/**
 * Every filter lives in the URL: this writes a patch into the query string (null removes a
 * key, an array repeats it) and pushes a history entry, so back and forward work and the
 * address can be shared. A changed filter drops the page cursor.
 */
export function useUrlParams(): { params: URLSearchParams; setParams: (patch: ParamPatch, options?: { replace?: boolean }) => void } {
  const router = useRouter();
  const pathname = usePathname();
  const current = useSearchParams();
  const setParams = useCallback(
    (patch: ParamPatch, options?: { replace?: boolean }) => {
      const next = new URLSearchParams(current.toString());
      if (!("cursor" in patch)) next.delete("cursor");
      for (const [key, value] of Object.entries(patch)) {
        next.delete(key);
        if (value == null || value === "") continue;
        for (const v of typeof value === "string" ? [value] : value) next.append(key, v);
      }
      const href = next.size ? `${pathname}?${next.toString()}` : pathname;
      if (options?.replace) router.replace(href, { scroll: false });
      else router.push(href, { scroll: false });
    },
    [current, pathname, router],
  );
  return { params: new URLSearchParams(current.toString()), setParams };
}
