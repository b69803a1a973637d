/** Where a bar's duration label goes: after the bar, before it, or inside it at its end. */
export type LabelPlace = "after" | "before" | "inside";

/** The label's width in pixels at 11 px type (digits and units), with its padding. */
export function labelWidth(text: string): number {
  return text.length * 6.5 + 8;
}

/**
 * After the bar when the label fits between its end and the timeline's, else before it when it
 * fits there, else inside: a bar that starts at 0 and runs to the end (the root) still shows its
 * duration. `left` and `right` are the bar's ends as fractions of the visible window.
 */
export function labelPlacement(left: number, right: number, timelinePx: number, labelPx: number): LabelPlace {
  if ((1 - Math.min(1, right)) * timelinePx >= labelPx) return "after";
  if (Math.max(0, left) * timelinePx >= labelPx) return "before";
  return "inside";
}
