import type { z } from "zod";
import { describeIssue } from "@/lib/validation/issues";

export interface LenientParse<T> {
  /** What the parameters that are valid ask for; null only when nothing readable is left. */
  data: T | null;
  /** Every problem, one per bad parameter, each naming it. */
  problems: string[];
  /** The parameters left out because they were invalid. */
  dropped: string[];
}

type Raw = Record<string, string | string[] | undefined>;

/**
 * A page's URL parameters, read so the page stays usable: each parameter an issue names is
 * dropped (and reported) and the rest parsed again, until they parse. A problem that names no
 * parameter cannot be set aside, so data stays null then.
 */
export function parseLeniently<T>(schema: z.ZodType<T, unknown>, raw: Raw): LenientParse<T> {
  const rest: Raw = { ...raw };
  const problems: string[] = [];
  const dropped: string[] = [];
  // Each round drops at least one parameter, so this ends within as many rounds as there are.
  for (;;) {
    const parsed = schema.safeParse(rest);
    if (parsed.success) return { data: parsed.data, problems, dropped };
    const keys = new Set<string>();
    for (const issue of parsed.error.issues) {
      const key = issue.path[0];
      if (typeof key === "string" && keys.has(key)) continue;
      problems.push(describeIssue(issue));
      if (typeof key === "string" && key in rest) keys.add(key);
    }
    if (keys.size === 0) return { data: null, problems: [...new Set(problems)], dropped };
    for (const key of keys) {
      delete rest[key];
      dropped.push(key);
    }
  }
}

/** The parameters that were not dropped, as the page received them. */
export function keptParams(raw: Raw, dropped: readonly string[]): Raw {
  return Object.fromEntries(Object.entries(raw).filter(([key]) => !dropped.includes(key)));
}

/** The page's URL without the dropped parameters: where "clear the invalid ones" leads. */
export function hrefWithout(pathname: string, raw: Raw, dropped: readonly string[]): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(keptParams(raw, dropped))) {
    if (value === undefined) continue;
    for (const v of typeof value === "string" ? [value] : value) params.append(key, v);
  }
  return params.size ? `${pathname}?${params.toString()}` : pathname;
}
