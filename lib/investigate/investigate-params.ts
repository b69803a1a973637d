import { z } from "zod";
import { refineTimeRange, resolveTimeRange, timeRangeParams, TimeRangeError, type TimePreset, type TimeRange } from "@/lib/filters/time-range";
import { keptParams, parseLeniently } from "@/lib/http/lenient-params";
import { tenantIdSchema } from "@/lib/tenants/tenant-id";
import { LINEAGE_ID_PATTERN } from "@/lib/traces/trace/lineage-id";

/** The four questions of /investigate, one tab each (`?view=`). */
export const INVESTIGATE_VIEWS = ["errors", "retries", "slow", "lineage"] as const;
export type InvestigateView = (typeof INVESTIGATE_VIEWS)[number];

export const RETRY_THRESHOLD = { min: 1, max: 100, default: 3 } as const;

/**
 * What Slow requests ranks by (`?rank=`): the root span's duration (what the caller waited
 * for), or the trace's first start to last end (jobs and event handlers included).
 */
export const SLOW_RANKS = ["request", "end-to-end"] as const;
export type SlowRank = (typeof SLOW_RANKS)[number];

/** A repeated parameter counts once: the last value wins, as in a form. */
const lastValue = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? (v.at(-1) ?? "") : v));

const retryThresholdMessage = `n must be a whole number from ${RETRY_THRESHOLD.min} to ${RETRY_THRESHOLD.max}`;

/** Every filter of /investigate lives in the URL; this parses it once (page and API alike). */
export const investigateParams = timeRangeParams.extend({
  view: lastValue.pipe(z.enum(INVESTIGATE_VIEWS, { message: `view must be one of ${INVESTIGATE_VIEWS.join(", ")}` })).optional(),
  tenant: z
    .union([tenantIdSchema, z.array(tenantIdSchema).max(50, { message: "at most 50 tenants" })])
    .transform((v) => (Array.isArray(v) ? [...new Set(v)].sort() : [v]))
    .optional(),
  n: lastValue
    .pipe(z.string().regex(/^\d{1,3}$/, { message: retryThresholdMessage }).transform(Number))
    .pipe(z.number().min(RETRY_THRESHOLD.min, { message: retryThresholdMessage }).max(RETRY_THRESHOLD.max, { message: retryThresholdMessage }))
    .optional(),
  rank: lastValue.pipe(z.enum(SLOW_RANKS, { message: `rank must be one of ${SLOW_RANKS.join(", ")}` })).optional(),
  q: lastValue.pipe(z.string().max(200, { message: "the error text filter may be at most 200 characters" })).optional(),
  id: lastValue
    .pipe(
      z.union([
        z.literal(""),
        z
          .string()
          .max(128, { message: "an id is at most 128 characters" })
          .regex(LINEAGE_ID_PATTERN, { message: "an id is letters, digits, '.', '_', ':' or '-' (a job id, an event id or a request id)" }),
      ]),
    )
    .optional(),
});

export interface InvestigateFilters {
  view: InvestigateView;
  /** Tenants picked in the filter; empty means every tenant in the caller's scope. */
  tenants: string[];
  window: TimeRange;
  /** Retry loops: jobs or operations that ran more than this many times. */
  n: number;
  /** Errors: text that the exception type or message contains. */
  q: string;
  /** Lineage: a job id, event id or request id. */
  id: string;
  /** Slow requests: the latency they are ranked by. */
  rank: SlowRank;
}

/** The default window per view: an id lookup reaches further back than the overviews. */
export function defaultPreset(view: InvestigateView): TimePreset {
  return view === "lineage" ? "7d" : "24h";
}

export type ParseResult = { ok: true; filters: InvestigateFilters } | { ok: false; problem: string; view: InvestigateView };

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid filter";
  const field = issue.path[0];
  return field === undefined ? issue.message : `${String(field)}: ${issue.message}`;
}

/** URL search params → filters, or the first problem said plainly. */
export function parseInvestigateParams(raw: Record<string, string | string[] | undefined>, now = new Date()): ParseResult {
  const viewGuess = INVESTIGATE_VIEWS.find((v) => v === (Array.isArray(raw.view) ? raw.view.at(-1) : raw.view)) ?? "errors";
  const parsed = investigateParams.safeParse(raw);
  if (!parsed.success) return { ok: false, problem: describe(parsed.error), view: viewGuess };
  const p = parsed.data;
  const view = p.view ?? "errors";
  try {
    const window = resolveTimeRange({ range: p.range, from: p.from, to: p.to }, defaultPreset(view), now);
    return {
      ok: true,
      filters: { view, tenants: p.tenant ?? [], window, n: p.n ?? RETRY_THRESHOLD.default, q: (p.q ?? "").trim(), id: p.id ?? "", rank: p.rank ?? "request" },
    };
  } catch (error) {
    if (error instanceof TimeRangeError) return { ok: false, problem: error.message, view };
    throw error;
  }
}

export interface LenientInvestigate {
  parsed: ParseResult;
  /** Every invalid parameter, one problem each, naming it. */
  problems: string[];
  /** The parameters set aside: the page shows what the rest asks for. */
  dropped: string[];
}

/** With the window checked too, so an impossible one is the issue of a parameter that can be set aside. */
const investigateRequest = investigateParams.superRefine(refineTimeRange);

/**
 * The page's reading of its URL: each invalid parameter is listed and dropped, and the strict
 * parse runs on the rest, so the page answers what the valid parameters ask.
 */
export function parseInvestigateLeniently(raw: Record<string, string | string[] | undefined>, now = new Date()): LenientInvestigate {
  const { problems, dropped } = parseLeniently(investigateRequest, raw);
  return { parsed: parseInvestigateParams(keptParams(raw, dropped), now), problems, dropped };
}

/** What the audit row records about a view's filters. */
export function auditDetails(filters: InvestigateFilters): Record<string, unknown> {
  const base = { view: filters.view, from: filters.window.from.toISOString(), to: filters.window.to.toISOString(), tenants: filters.tenants };
  if (filters.view === "errors") return { ...base, q: filters.q || undefined };
  if (filters.view === "retries") return { ...base, n: filters.n };
  if (filters.view === "lineage") return { ...base, id: filters.id || undefined };
  if (filters.view === "slow") return { ...base, rank: filters.rank };
  return base;
}
