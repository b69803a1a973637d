import { z } from "zod";
import { instant } from "@/lib/filters/time-range";
import { duration, formatDurationParam, searchParamsSchema } from "@/lib/traces/search/search-params";

/**
 * The region dragged on the search scatter or the latency heatmap: a start-time span and a
 * duration band, each bound optional (a band alone is "every trace this slow"), at least one given.
 */
export const selectionSchema = z
  .object({
    selFrom: instant.optional(),
    selTo: instant.optional(),
    selMin: duration.optional(),
    selMax: duration.optional(),
  })
  .superRefine((s, ctx) => {
    if (!s.selFrom && !s.selTo && s.selMin === undefined && s.selMax === undefined) {
      ctx.addIssue({ code: "custom", path: ["selMin"], message: "a selection needs a time span or a duration band" });
    }
    if (s.selFrom && s.selTo && s.selFrom >= s.selTo) ctx.addIssue({ code: "custom", path: ["selTo"], message: "must be after selFrom" });
    if (s.selMin !== undefined && s.selMax !== undefined && s.selMin > s.selMax) {
      ctx.addIssue({ code: "custom", path: ["selMax"], message: "must not be below selMin" });
    }
  });

export type Selection = z.output<typeof selectionSchema>;

/** The API's query: the search whose window and filters are compared, and the selection within it. */
export const slowVsNormalSchema = z.intersection(searchParamsSchema, selectionSchema);

export type SlowVsNormalRequest = z.output<typeof slowVsNormalSchema>;

/** The selection's URL parameters, the inverse of `selectionSchema`. */
export function selectionParams(s: { from?: Date; to?: Date; minNs?: bigint; maxNs?: bigint }): URLSearchParams {
  const p = new URLSearchParams();
  if (s.from) p.set("selFrom", s.from.toISOString());
  if (s.to) p.set("selTo", s.to.toISOString());
  if (s.minNs !== undefined) p.set("selMin", formatDurationParam(s.minNs));
  if (s.maxNs !== undefined) p.set("selMax", formatDurationParam(s.maxNs));
  return p;
}

/** What the audit row records of the selection, as the URL says it. */
export function selectionDetails(s: Selection): Record<string, string> {
  return Object.fromEntries(selectionParams({ from: s.selFrom, to: s.selTo, minNs: s.selMin, maxNs: s.selMax }));
}
