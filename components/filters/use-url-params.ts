"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback } from "react";
import { useNavigation } from "@/components/shell/navigation-progress";

export type ParamPatch = Record<string, string | readonly string[] | null | undefined>;

/**
 * Every filter lives in the URL: this writes a patch into the query string (null removes a
 * key, an array repeats it) and pushes a history entry, so back and forward work and the
 * address can be shared. A changed filter drops the page cursor. Inside the app shell the
 * change is a transition (navigation-progress.tsx): the params read here are the ones being
 * loaded, so a control keeps the value just chosen.
 */
export function useUrlParams(): { params: URLSearchParams; setParams: (patch: ParamPatch, options?: { replace?: boolean }) => void } {
  const router = useRouter();
  const pathname = usePathname();
  const navigation = useNavigation();
  const url = useSearchParams().toString();
  const current = navigation?.search ?? url;
  const setParams = useCallback(
    (patch: ParamPatch, options?: { replace?: boolean }) => {
      const next = new URLSearchParams(current);
      if (!("cursor" in patch)) next.delete("cursor");
      for (const [key, value] of Object.entries(patch)) {
        next.delete(key);
        if (value == null || value === "") continue;
        for (const v of typeof value === "string" ? [value] : value) next.append(key, v);
      }
      const href = next.size ? `${pathname}?${next.toString()}` : pathname;
      if (navigation) navigation.go(href, next.toString(), options?.replace ?? false);
      else if (options?.replace) router.replace(href, { scroll: false });
      else router.push(href, { scroll: false });
    },
    [current, navigation, pathname, router],
  );
  return { params: new URLSearchParams(current), setParams };
}
