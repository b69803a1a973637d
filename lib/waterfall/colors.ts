/** Distinct hues for services, assigned in the order of the trace's service list. */
const PALETTE = [
  "#2563eb", "#16a34a", "#d97706", "#9333ea", "#0891b2", "#db2777",
  "#65a30d", "#ea580c", "#4f46e5", "#0d9488", "#c026d3", "#475569",
];

export function serviceColor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}
