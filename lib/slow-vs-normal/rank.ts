/**
 * Slow versus normal (issue 21 item 3), the pure part: how each attribute's value
 * distribution inside a selection of traces differs from the rest of the window, ranked like
 * Honeycomb's BubbleUp. A value's share is the fraction of a side's sampled traces that carry
 * it (a trace carries several values of a key at once, so shares need not sum to 1).
 */

/**
 * What a facet is: one of the trace summary's columns (each a search filter of its own) or a
 * span attribute of the per-trace summary (searched as `key = value`).
 */
export const FACET_KINDS = ["tenant", "service", "operation", "status", "attribute"] as const;
export type FacetKind = (typeof FACET_KINDS)[number];

/** How many sampled traces of each side carry one value. */
export interface FacetCount {
  kind: FacetKind;
  key: string;
  /** The value as its JSON text (`"GET /x"`, `503`, `true`): numbers keep every digit. */
  value: string;
  selection: number;
  baseline: number;
}

/** Sampled traces per side: the denominators of the shares. */
export interface SampleSizes {
  selection: number;
  baseline: number;
}

export interface RankedValue {
  value: string;
  selection: number;
  baseline: number;
  selectionShare: number;
  baselineShare: number;
  /** selectionShare − baselineShare: positive when the selection carries it more often. */
  difference: number;
}

export interface RankedAttribute {
  kind: FacetKind;
  key: string;
  /** The largest |difference| among its values, in [0, 1]. */
  score: number;
  /** The values that differ most, largest |difference| first. */
  values: RankedValue[];
}

export interface SideSize {
  /** Matches of the search on this side. */
  total: number;
  /** How many of them were read. */
  sampled: number;
}

/** The answer of GET /api/traces/slow-vs-normal. */
export interface SlowVsNormal {
  selection: SideSize;
  baseline: SideSize;
  attributes: RankedAttribute[];
}

export interface RankLimits {
  attributes: number;
  values: number;
}

export const RANK_LIMITS: RankLimits = { attributes: 30, values: 5 };

const share = (n: number, of: number) => (of > 0 ? Math.min(1, n / of) : 0);

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Attributes ranked by how much their value distribution differs between the sides, ties
 * broken by kind and key so the order does not depend on the input's. Nothing to compare
 * (an empty side) ranks nothing.
 */
export function rankAttributes(counts: readonly FacetCount[], sizes: SampleSizes, limits: RankLimits = RANK_LIMITS): RankedAttribute[] {
  if (sizes.selection === 0 || sizes.baseline === 0) return [];
  const byKey = new Map<string, { kind: FacetKind; key: string; values: RankedValue[] }>();
  for (const c of counts) {
    const id = `${c.kind}\0${c.key}`;
    let entry = byKey.get(id);
    if (!entry) byKey.set(id, (entry = { kind: c.kind, key: c.key, values: [] }));
    const selectionShare = share(c.selection, sizes.selection);
    const baselineShare = share(c.baseline, sizes.baseline);
    entry.values.push({ value: c.value, selection: c.selection, baseline: c.baseline, selectionShare, baselineShare, difference: selectionShare - baselineShare });
  }
  const ranked = [...byKey.values()].map(({ kind, key, values }) => {
    values.sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference) || byText(a.value, b.value));
    return { kind, key, score: Math.abs(values[0]?.difference ?? 0), values: values.slice(0, limits.values) };
  });
  ranked.sort((a, b) => b.score - a.score || FACET_KINDS.indexOf(a.kind) - FACET_KINDS.indexOf(b.kind) || byText(a.key, b.key));
  return ranked.slice(0, limits.attributes);
}

/** The value as text to show and search for: a JSON string unquoted, a number or boolean as written. */
export function facetValueText(json: string): string {
  if (!json.startsWith('"')) return json;
  try {
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === "string" ? parsed : json;
  } catch {
    return json;
  }
}
